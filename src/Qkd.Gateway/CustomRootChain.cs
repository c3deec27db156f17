using System.Security.Cryptography.X509Certificates;

namespace Qkd.Gateway;

/// <summary>Certificate checks against one configured CA (custom root trust; the system store plays no part).</summary>
internal static class CustomRootChain
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="ca"/> alone and carries the extended key usage <paramref name="ekuOid"/>.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca, string ekuOid)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ekuOid));
        return chain.Build(certificate);
    }
}
