using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Tests.Support;

/// <summary>An ETSI 014 client over real mutual TLS with a PEM client certificate, trusting only the dev CA.</summary>
public sealed class SaeClient : IDisposable
{
    private readonly HttpClient _http;

    public SaeClient(Uri kmeUrl, string caPem, string certPem, string keyPem, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caPem);
        var trust = new CertificateTrust(ca);
        var cert = DevCertificates.LoadWithKey(certPem, keyPem);
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 32,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [cert],
                EnabledSslProtocols = protocols,
                RemoteCertificateValidationCallback = (_, c, _, errors) =>
                    c is X509Certificate2 x && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && trust.IsValidServer(x),
            },
        })
        { BaseAddress = kmeUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public static SaeClient For(Qkd.Kms.Dev.DevNetwork net, string sae)
    {
        var entry = net.Info.Saes.Single(s => s.Id == sae);
        var kme = net.Info.Kmes.Single(k => k.Id == entry.Kme);
        return new SaeClient(new Uri(kme.Url), net.Info.Ca, entry.Cert, entry.Key);
    }

    public sealed record Reply(HttpStatusCode Status, JsonElement Body)
    {
        public string Message => Body.GetProperty("message").GetString()!;

        public IReadOnlyList<(string Id, byte[] Key)> Keys => Body.GetProperty("keys").EnumerateArray()
            .Select(k => (k.GetProperty("key_ID").GetString()!, Convert.FromBase64String(k.GetProperty("key").GetString()!))).ToList();
    }

    public Task<Reply> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<Reply> PostJsonAsync(string path, string json)
        => SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") });

    public Task<Reply> EncKeysAsync(string slave, int number = 1, int size = 256)
        => PostJsonAsync($"/api/v1/keys/{slave}/enc_keys", $"{{\"number\":{number},\"size\":{size}}}");

    public Task<Reply> DecKeysAsync(string master, params string[] ids)
        => PostJsonAsync($"/api/v1/keys/{master}/dec_keys", JsonSerializer.Serialize(new { key_IDs = ids.Select(i => new { key_ID = i }) }));

    /// <summary>Sends <paramref name="content"/> as is (null: no body at all; a stream: chunked, no Content-Length).</summary>
    public Task<Reply> SendRawAsync(HttpMethod method, string path, HttpContent? content)
        => SendAsync(new HttpRequestMessage(method, path) { Content = content });

    public async Task<string> GetTextAsync(string path) => await _http.GetStringAsync(path);

    private async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            return new Reply(response.StatusCode, body);
        }
    }

    public void Dispose() => _http.Dispose();
}
