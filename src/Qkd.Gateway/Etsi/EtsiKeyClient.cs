using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Qkd.Etsi014;

namespace Qkd.Gateway.Etsi;

/// <summary>
/// ETSI GS QKD 014 V1.1.1 client of one SAE (clause 5: Get status, Get key, Get key with key IDs) over
/// HTTPS with mutual TLS: the SAE presents its client certificate, and the KME's server certificate must
/// chain to the configured CA (custom root trust; the system store plays no part), name the host, and carry the
/// expected KME ID as its common name (<see cref="SaeCredentials.KmeId"/>), as the KMS peer client checks its peers.
/// Key sizes are in bits; keys arrive base64 and are returned as <see cref="QkdKey"/> (wiped on dispose).
/// </summary>
public sealed class EtsiKeyClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _cert;

    public EtsiKeyClient(SaeCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        SaeId = credentials.SaeId;
        KmeId = credentials.KmeId;
        var expectedKme = credentials.KmeId;
        _ca = X509CertificateLoader.LoadCertificateFromFile(credentials.CaPemPath);
        using (var pem = X509Certificate2.CreateFromPemFile(credentials.CertPemPath, credentials.KeyPemPath))
        {
            // Re-imported through PKCS#12 so that SslStream can use the private key on every platform.
            _cert = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [_cert],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, c, _, errors) =>
                    c is X509Certificate2 server && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && CustomRootChain.ChainsTo(server, _ca, CustomRootChain.ServerAuthOid)
                    && (expectedKme is null || string.Equals(server.GetNameInfo(X509NameType.SimpleName, forIssuer: false), expectedKme, StringComparison.Ordinal)),
            },
        })
        { BaseAddress = credentials.KmeUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>This SAE's ID.</summary>
    public string SaeId { get; }

    /// <summary>The KME this client insists on reaching (its certificate's common name), or null when not configured.</summary>
    public string? KmeId { get; }

    /// <summary>Get status (clause 5.1): the key pool towards <paramref name="slaveSaeId"/>.</summary>
    public async Task<EtsiStatus> StatusAsync(string slaveSaeId, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/keys/{Uri.EscapeDataString(slaveSaeId)}/status", UriKind.Relative), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"KME status for {slaveSaeId} answered {(int)response.StatusCode}: {await ErrorMessageAsync(response, ct).ConfigureAwait(false)}", null, response.StatusCode);
        }
        return (await response.Content.ReadFromJsonAsync<EtsiStatus>(ct).ConfigureAwait(false))!;
    }

    /// <summary>Get key (clause 5.2, POST enc_keys) as master SAE: <paramref name="number"/> keys of <paramref name="sizeBits"/> bits shared with <paramref name="slaveSaeId"/>.</summary>
    public async Task<KeyFetch> EncKeysAsync(string slaveSaeId, int number, int sizeBits, CancellationToken ct = default)
    {
        using var response = await _http.PostAsJsonAsync(new Uri($"/api/v1/keys/{Uri.EscapeDataString(slaveSaeId)}/enc_keys", UriKind.Relative),
            new EtsiKeyRequest { Number = JsonSerializer.SerializeToElement(number), Size = JsonSerializer.SerializeToElement(sizeBits) }, ct).ConfigureAwait(false);
        return await ReadKeysAsync(response, ct).ConfigureAwait(false);
    }

    /// <summary>Get key with key IDs (clause 5.3, POST dec_keys) as slave SAE of <paramref name="masterSaeId"/>.</summary>
    public async Task<KeyFetch> DecKeysAsync(string masterSaeId, IReadOnlyList<Guid> keyIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        var body = new EtsiKeyIds { KeyIds = keyIds.Select(k => new EtsiKeyIdEntry { KeyId = JsonSerializer.SerializeToElement(k.ToString()) }).ToList() };
        using var response = await _http.PostAsJsonAsync(new Uri($"/api/v1/keys/{Uri.EscapeDataString(masterSaeId)}/dec_keys", UriKind.Relative), body, ct).ConfigureAwait(false);
        return await ReadKeysAsync(response, ct).ConfigureAwait(false);
    }

    private static async Task<KeyFetch> ReadKeysAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            return new KeyFetch.Refused((int)response.StatusCode, await ErrorMessageAsync(response, ct).ConfigureAwait(false));
        }
        var container = await response.Content.ReadFromJsonAsync<EtsiKeyContainer>(ct).ConfigureAwait(false)
            ?? throw new HttpRequestException("KME answered 200 with an empty body instead of a Key container.");
        var keys = new List<QkdKey>(container.Keys.Count);
        foreach (var k in container.Keys)
        {
            keys.Add(new QkdKey(Guid.Parse(k.KeyId), Convert.FromBase64String(k.Key)));
        }
        return new KeyFetch.Delivered(keys);
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync<EtsiError>(ct).ConfigureAwait(false);
            return error?.Message ?? response.ReasonPhrase ?? "";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
        catch (NotSupportedException)
        {
            return response.ReasonPhrase ?? "";
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _cert.Dispose();
        _ca.Dispose();
    }
}
