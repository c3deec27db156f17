using System.Security.Cryptography.X509Certificates;

namespace Qkd.Kms.Tls;

/// <summary>
/// Checks certificates against the one configured CA (custom root trust: the system store plays no
/// part) and reads identities from the subject CN.
/// </summary>
public sealed class CertificateTrust(X509Certificate2 ca) : IDisposable
{
    private static readonly string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private static readonly string ClientAuth = "1.3.6.1.5.5.7.3.2";

    public X509Certificate2 Ca { get; } = ca;

    public static CertificateTrust FromPem(string caPath) => new(X509CertificateLoader.LoadCertificateFromFile(caPath));

    /// <summary>True when <paramref name="cert"/> chains to the CA, is within its validity and allows client authentication.</summary>
    public bool IsValidClient(X509Certificate2 cert) => Validate(cert, ClientAuth);

    /// <summary>True when <paramref name="cert"/> chains to the CA and allows server authentication.</summary>
    public bool IsValidServer(X509Certificate2 cert) => Validate(cert, ServerAuth);

    /// <summary>The subject common name, or "" when absent.</summary>
    public static string CommonName(X509Certificate2 cert) => cert.GetNameInfo(X509NameType.SimpleName, forIssuer: false) ?? "";

    private bool Validate(X509Certificate2 cert, string usage)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usage));
        return chain.Build(cert);
    }

    public void Dispose() => Ca.Dispose();
}
