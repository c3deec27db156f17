using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Qkd.Kms.Config;

namespace Qkd.Kms.Tls;

/// <summary>
/// Who made a request, from its client certificate (already chained to the CA at the handshake): an
/// SAE of this KME, a linked KME, or the link device of one of its links. Each answer needs the
/// certificate's role (<see cref="CertificateRoles"/>), the configured name as subject CN, the
/// configured SHA-256 thumbprint when one is pinned, and a serial number not on the CRL
/// (<see cref="RevocationList"/>). Anything else is nobody (401 at the route).
/// </summary>
public sealed class ClientIdentities(KmsConfig config, RevocationList? crl)
{
    /// <summary>The SAE attached here that made the request, or null with <paramref name="why"/>.</summary>
    public string? Sae(HttpContext ctx, out string why)
    {
        var cert = ctx.Connection.ClientCertificate;
        if (Checked(cert, CertificateRole.Sae, out why) is not { } cn)
        {
            return null;
        }
        var sae = config.Saes.FirstOrDefault(s => s.Cn == cn);
        if (sae is null)
        {
            why = "certificate CN is not an SAE of this KME";
            return null;
        }
        return Pinned(cert!, sae.CertificateSha256, out why) ? sae.Id : null;
    }

    /// <summary>The linked KME that made the request, or null with <paramref name="why"/>.</summary>
    public string? LinkedKme(HttpContext ctx, out string why)
    {
        var cert = ctx.Connection.ClientCertificate;
        if (Checked(cert, CertificateRole.Kme, out why) is not { } cn)
        {
            return null;
        }
        var peer = config.Peers.FirstOrDefault(p => p.KmeId == cn);
        if (peer is null)
        {
            why = "not a KME linked to " + config.KmeId;
            return null;
        }
        return Pinned(cert!, peer.CertificateSha256, out why) ? peer.KmeId : null;
    }

    /// <summary>The peer whose link device made the request, or null with <paramref name="why"/>.</summary>
    public PeerConfig? LinkDevice(HttpContext ctx, out string why)
    {
        var cert = ctx.Connection.ClientCertificate;
        if (Checked(cert, CertificateRole.LinkDevice, out why) is not { } cn)
        {
            return null;
        }
        var peer = config.Peers.FirstOrDefault(p => p.LinkDeviceCn is not null && p.LinkDeviceCn == cn);
        if (peer is null)
        {
            why = "not a configured QKD link device of " + config.KmeId;
            return null;
        }
        return Pinned(cert!, peer.LinkDeviceCertificateSha256, out why) ? peer : null;
    }

    /// <summary>The certificate's CN when it has <paramref name="role"/> and is not revoked, else null.</summary>
    private string? Checked(X509Certificate2? cert, CertificateRole role, out string why)
    {
        if (cert is null)
        {
            why = "no client certificate";
            return null;
        }
        if (!CertificateRoles.Has(cert, role))
        {
            why = $"certificate is not issued for the {role} role (extended key usage {CertificateRoles.Oid(role)})";
            return null;
        }
        if (crl is not null && crl.IsRevoked(cert))
        {
            why = "certificate is revoked (tls.crl)";
            return null;
        }
        why = "";
        return CertificateTrust.CommonName(cert);
    }

    private static bool Pinned(X509Certificate2 cert, string? pin, out string why)
    {
        var ok = MatchesPin(cert, pin);
        why = ok ? "" : "certificate thumbprint does not match the pinned SHA-256";
        return ok;
    }

    /// <summary>True when no pin is set or <paramref name="cert"/>'s SHA-256 thumbprint equals <paramref name="pin"/> (hex), compared in constant time.</summary>
    public static bool MatchesPin(X509Certificate2 cert, string? pin)
    {
        if (pin is null)
        {
            return true;
        }
        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(cert.RawDataMemory.Span, actual);
        return CryptographicOperations.FixedTimeEquals(actual, Convert.FromHexString(pin));
    }
}
