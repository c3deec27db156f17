using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Qkd.Gateway.Mqtt;

/// <summary>
/// A small PKI for MQTT over TLS on a test bench or a demo: its own CA (separate from the KMS CA), a broker server
/// certificate for 127.0.0.1 / localhost, and one client certificate per gateway whose common name is the gateway's
/// SAE ID (the identity the broker's ACL checks). ECDSA P-256, PEM; private keys are created with mode 0600.
/// </summary>
public static class BrokerCertificates
{
    /// <summary>Paths of one issued certificate and its key.</summary>
    public sealed record Issued(string Name, string CertPath, string KeyPath);

    /// <summary>What <see cref="Create"/> wrote.</summary>
    public sealed record Result(string CaCertPath, Issued Broker, IReadOnlyList<Issued> Clients)
    {
        /// <summary>The <see cref="MqttSecurity"/> of client <paramref name="name"/>.</summary>
        public MqttSecurity SecurityOf(string name)
        {
            var c = Clients.FirstOrDefault(x => x.Name == name) ?? throw new ArgumentException($"No MQTT client certificate for '{name}'; issued: {string.Join(", ", Clients.Select(x => x.Name))}.");
            return new MqttSecurity(CaCertPath, c.CertPath, c.KeyPath);
        }
    }

    /// <summary>Writes ca.pem, broker.pem/.key and {client}.pem/.key into <paramref name="directory"/>.</summary>
    public static Result Create(string directory, IEnumerable<string> clients, DateTimeOffset now, int validDays = 825)
    {
        ArgumentNullException.ThrowIfNull(clients);
        Directory.CreateDirectory(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=qkd MQTT CA", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caReq.PublicKey, false));
        using var ca = caReq.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(validDays + 1));
        var caPath = Path.Combine(directory, "ca.pem");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        var broker = Issue(directory, ca, "broker", CustomRootChain.ServerAuthOid, now, validDays, server: true);
        var issued = clients.Select(c => Issue(directory, ca, c, CustomRootChain.ClientAuthOid, now, validDays, server: false)).ToList();
        return new Result(caPath, broker, issued);
    }

    private static Issued Issue(string directory, X509Certificate2 ca, string name, string eku, DateTimeOffset now, int validDays, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            req.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var cert = req.Create(ca, now.AddMinutes(-5), now.AddDays(validDays), serial);
        var file = name.ToLowerInvariant();
        var certPath = Path.Combine(directory, file + ".pem");
        var keyPath = Path.Combine(directory, file + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        using (var w = new StreamWriter(PrivateFile.CreateNew(keyPath), System.Text.Encoding.ASCII))
        {
            w.Write(key.ExportPkcs8PrivateKeyPem());
        }
        return new Issued(name, certPath, keyPath);
    }
}
