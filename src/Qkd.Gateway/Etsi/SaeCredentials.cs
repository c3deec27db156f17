namespace Qkd.Gateway.Etsi;

/// <summary>
/// What an SAE needs to talk to its KME: its own SAE ID, the KME's base URL, the CA that issued the
/// KME's server certificate (the only trust anchor), the SAE's client certificate and key (PEM), and the KME's ID,
/// which the KME's server certificate must carry as its common name (so a certificate of another KME, or of an
/// SAE, issued by the same CA is refused).
/// </summary>
public sealed record SaeCredentials(string SaeId, Uri KmeUrl, string CaPemPath, string CertPemPath, string KeyPemPath, string? KmeId = null);
