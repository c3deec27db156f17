using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Qkd.Kms.Tls;

/// <summary>
/// Development PKI for `qkd certs init`: one ECDSA P-256 CA, KME certificates (server and client
/// authentication, SAN 127.0.0.1 and localhost, CN = KME ID), SAE and link-device client
/// certificates (CN = SAE ID or device name), each with its role's extended key usage
/// (<see cref="CertificateRoles"/>), all written as PEM. Not for production use.
/// </summary>
public sealed class DevCertificates
{
    /// <summary>Files written for one identity.</summary>
    public sealed record Issued(string Name, string CertPath, string KeyPath);

    /// <summary>Everything written by <see cref="Create"/>.</summary>
    public sealed record Result(string CaCertPath, string CaKeyPath, IReadOnlyList<Issued> Kmes, IReadOnlyList<Issued> Saes, IReadOnlyList<Issued> Links);

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Creates the CA and the certificates in <paramref name="outDir"/>; valid for <paramref name="validDays"/> days.</summary>
    /// <remarks>An existing file is an error (IOException naming it) unless <paramref name="overwrite"/>; private keys are created 0600.</remarks>
    public static Result Create(string outDir, IEnumerable<string> kmes, IEnumerable<string> saes, IEnumerable<string> links, DateTimeOffset now, int validDays = 825, bool overwrite = false)
    {
        Directory.CreateDirectory(outDir);
        kmes = [.. kmes];
        saes = [.. saes];
        links = [.. links];
        if (!overwrite && PlannedPaths(outDir, kmes.Concat(saes).Concat(links)).FirstOrDefault(File.Exists) is { } existing)
        {
            throw new IOException($"'{existing}' exists; certificates are not overwritten unless asked to (--force).");
        }
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=qkd development CA", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caReq.PublicKey, false));
        using var ca = caReq.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(validDays + 1));
        var caCert = Path.Combine(outDir, "ca.pem");
        var caKeyPath = Path.Combine(outDir, "ca.key");
        WritePublic(caCert, ca.ExportCertificatePem(), overwrite);
        WriteKey(caKeyPath, caKey, overwrite);

        var serial = 1L;
        Issued Issue(string name, CertificateRole role)
        {
            var server = role == CertificateRole.Kme;
            CheckName(name);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
            var roleOid = new Oid(CertificateRoles.Oid(role));
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(server ? new OidCollection { ServerAuth, ClientAuth, roleOid } : new OidCollection { ClientAuth, roleOid }, false));
            req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
            if (server)
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddIpAddress(IPAddress.Loopback);
                san.AddDnsName("localhost");
                req.CertificateExtensions.Add(san.Build());
            }
            var serialBytes = BitConverter.GetBytes(serial++ + now.ToUnixTimeSeconds() * 1000);
            using var cert = req.Create(ca, now.AddMinutes(-5), now.AddDays(validDays), serialBytes);
            var stem = name.ToLowerInvariant();
            var certPath = Path.Combine(outDir, stem + ".pem");
            var keyPath = Path.Combine(outDir, stem + ".key");
            WritePublic(certPath, cert.ExportCertificatePem(), overwrite);
            WriteKey(keyPath, key, overwrite);
            return new Issued(name, certPath, keyPath);
        }

        var kmeList = kmes.Select(k => Issue(k, CertificateRole.Kme)).ToList();
        var saeList = saes.Select(s => Issue(s, CertificateRole.Sae)).ToList();
        var linkList = links.Select(l => Issue(l, CertificateRole.LinkDevice)).ToList();
        return new Result(caCert, caKeyPath, kmeList, saeList, linkList);
    }

    /// <summary>Loads a certificate with its private key from PEM files.</summary>
    public static X509Certificate2 LoadWithKey(string certPath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        // Re-import through PKCS#12 so that SslStream can use the key on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.'))
        {
            throw new ArgumentException($"Certificate name must be 1 to 64 characters of letters, digits, '_', '-' or '.', but was '{name}'.");
        }
    }

    /// <summary>Every file <see cref="Create"/> writes in <paramref name="outDir"/> for these names (CA included).</summary>
    public static IEnumerable<string> PlannedPaths(string outDir, IEnumerable<string> names)
        => CaFiles.Concat(names.SelectMany(n => new[] { n.ToLowerInvariant() + ".pem", n.ToLowerInvariant() + ".key" })).Select(f => Path.Combine(outDir, f));

    private static readonly string[] CaFiles = ["ca.pem", "ca.key"];

    private static void WriteKey(string path, ECDsa key, bool overwrite) => PrivateFile.WriteAllText(path, key.ExportPkcs8PrivateKeyPem(), overwrite);

    private static void WritePublic(string path, string pem, bool overwrite)
    {
        if (!overwrite && File.Exists(path))
        {
            throw new IOException($"'{path}' exists; certificates are not overwritten unless asked to (--force).");
        }
        File.WriteAllText(path, pem);
    }
}
