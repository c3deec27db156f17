using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Qkd.KeyManagement;
using Qkd.Kms.Peering;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Supply;

/// <summary>
/// The authenticated key-supply path: a QKD link device pushes each block to one KME's
/// <c>POST /kme/v1/supply/blocks</c> over mutual TLS with its own device certificate.
/// </summary>
public sealed class HttpsKeyBlockSink : IDisposable
{
    private readonly HttpClient _client;

    /// <summary>A sink that talks only to the KME named <paramref name="kmeId"/> (server certificate CN and KME role checked, as the peer client does).</summary>
    public HttpsKeyBlockSink(Uri kmeUrl, string kmeId, X509Certificate2 deviceCertificate, CertificateTrust trust)
    {
        KmeUrl = kmeUrl;
        _client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [deviceCertificate],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                    cert is X509Certificate2 c && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && trust.IsValidServer(c)
                    && CertificateTrust.CommonName(c) == kmeId && CertificateRoles.Has(c, CertificateRole.Kme),
            },
        })
        { BaseAddress = kmeUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri KmeUrl { get; }

    /// <summary>Delivers one block; returns the KME's answer ("added", "duplicate") or throws on HTTP failure (507 = pool full).</summary>
    public async Task<KeyBlockReplyDto> DeliverAsync(KeyBlock block, CancellationToken ct)
    {
        using var response = await _client.PostAsJsonAsync("/kme/v1/supply/blocks", new KeyBlockDto(block.Id, Convert.ToBase64String(block.Key)), ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"KME {KmeUrl} answered HTTP {(int)response.StatusCode} to key block {block.Id}", null, response.StatusCode);
        }
        return (await response.Content.ReadFromJsonAsync<KeyBlockReplyDto>(ct))!;
    }

    public void Dispose() => _client.Dispose();
}
