using System.Security.Cryptography.X509Certificates;

namespace Qkd.Gateway.Mqtt;

/// <summary>
/// How a gateway authenticates the broker and itself over mqtts://: the broker's certificate must chain to
/// <see cref="CaPemPath"/> (the only trust anchor) and name the host; the client presents a certificate
/// (<see cref="ClientCertPemPath"/>, <see cref="ClientKeyPemPath"/>) and/or a user name and password.
/// </summary>
public sealed record MqttSecurity(string? CaPemPath = null, string? ClientCertPemPath = null, string? ClientKeyPemPath = null,
    string? UserName = null, string? Password = null)
{
    /// <summary>Loads the certificate with its key (re-imported through PKCS#12 so SslStream can use the key), or null.</summary>
    internal X509Certificate2? LoadClientCertificate()
    {
        if (ClientCertPemPath is null)
        {
            return null;
        }
        using var pem = X509Certificate2.CreateFromPemFile(ClientCertPemPath, ClientKeyPemPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
