using System.Security.Cryptography.X509Certificates;

namespace Qkd.Kms.Tls;

/// <summary>
/// What a certificate may do at a KME, carried as an extended key usage next to TLS client/server
/// authentication (docs/kms.md "Identities"): a KME certificate opens only the KME-to-KME routes, an
/// SAE certificate only the ETSI routes, a link-device certificate only <c>/kme/v1/supply/blocks</c>.
/// The OIDs sit under 2.25 (ITU-T X.667: an arc named by a UUID, no registration needed).
/// </summary>
public enum CertificateRole
{
    None,
    Kme,
    Sae,
    LinkDevice,
}

/// <summary>The role OIDs and reading them from a certificate.</summary>
public static class CertificateRoles
{
    /// <summary>The arc of this project's role OIDs.</summary>
    public const string Arc = "2.25.34493541359375316891086425672847734692";

    public const string KmeOid = Arc + ".1";
    public const string SaeOid = Arc + ".2";
    public const string LinkDeviceOid = Arc + ".3";

    public static string Oid(CertificateRole role) => role switch
    {
        CertificateRole.Kme => KmeOid,
        CertificateRole.Sae => SaeOid,
        CertificateRole.LinkDevice => LinkDeviceOid,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "a certificate role is Kme, Sae or LinkDevice"),
    };

    /// <summary>True when <paramref name="cert"/>'s extended key usage names <paramref name="role"/>'s OID.</summary>
    public static bool Has(X509Certificate2 cert, CertificateRole role)
    {
        var oid = Oid(role);
        foreach (var e in cert.Extensions)
        {
            if (e is X509EnhancedKeyUsageExtension eku)
            {
                foreach (var usage in eku.EnhancedKeyUsages)
                {
                    if (usage.Value == oid)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
