namespace Qkd.Gateway.Etsi;

/// <summary>
/// What an SAE needs to talk to its KME: its own SAE ID, the KME's base URL, the CA that issued the
/// KME's server certificate (the only trust anchor), and the SAE's client certificate and key (PEM).
/// </summary>
public sealed record SaeCredentials(string SaeId, Uri KmeUrl, string CaPemPath, string CertPemPath, string KeyPemPath);
