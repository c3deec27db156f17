using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Qkd.Kms.Config;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Peering;

/// <summary>Outcome of sending a key transfer to the next KME.</summary>
public enum TransferStatus
{
    /// <summary>The peer stored (or relayed) every key.</summary>
    Accepted,

    /// <summary>The peer answered that it cannot serve (4xx/5xx other than 409).</summary>
    Refused,

    /// <summary>The peer answered 409: one or more units are not available there, and nothing changed there.</summary>
    Conflict,

    /// <summary>No answer: connection refused, TLS failure, timeout. The peer may or may not have taken the units.</summary>
    Unreachable,
}

/// <summary>Sends key transfers to the directly linked KMEs over mutual TLS (this KME's certificate as client certificate).</summary>
public sealed class PeerClient : IDisposable
{
    private readonly Dictionary<string, (HttpClient Client, Uri Url)> _peers = new(StringComparer.Ordinal);

    public PeerClient(KmsConfig config, X509Certificate2 ownCertificate, CertificateTrust trust, TimeSpan timeout)
    {
        foreach (var peer in config.Peers)
        {
            var expectedCn = peer.KmeId;
            var pin = peer.CertificateSha256;
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
                MaxConnectionsPerServer = 64,
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = [ownCertificate],
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                        cert is X509Certificate2 c && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                        && trust.IsValidServer(c) && CertificateTrust.CommonName(c) == expectedCn
                        && CertificateRoles.Has(c, CertificateRole.Kme) && ClientIdentities.MatchesPin(c, pin),
                },
            };
            var client = new HttpClient(handler) { Timeout = timeout, DefaultRequestVersion = HttpVersion.Version11 };
            _peers[peer.KmeId] = (client, new Uri(peer.Url.TrimEnd('/') + "/kme/v1/"));
        }
    }

    /// <summary>Posts <paramref name="transfer"/> to <paramref name="peerKmeId"/>; returns the status and a reason for logs.</summary>
    public Task<(TransferStatus Status, string Reason)> SendAsync(string peerKmeId, KeyTransferDto transfer, CancellationToken ct)
        => PostAsync(peerKmeId, "keys", JsonContent.Create(transfer), ct);

    /// <summary>Asks <paramref name="peerKmeId"/> to lease units to this KME (docs/kms.md "Key leases").</summary>
    public Task<(TransferStatus Status, string Reason)> LeaseAsync(string peerKmeId, LeaseDto lease, CancellationToken ct)
        => PostAsync(peerKmeId, "leases", JsonContent.Create(lease), ct);

    /// <summary>Posts a <see cref="NoticesDto"/> already serialised (the outbox stores each notice as JSON).</summary>
    /// <remarks>On 200 the peer's reply (applied, duplicates, refused) is returned too.</remarks>
    public async Task<(TransferStatus Status, string Reason, NoticesReplyDto? Reply)> SendNoticesAsync(string peerKmeId, byte[] noticesJson, CancellationToken ct)
    {
        var content = new ByteArrayContent(noticesJson);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        NoticesReplyDto? reply = null;
        var (status, reason) = await PostAsync(peerKmeId, "notices", content, ct, async body => reply = await body.ReadFromJsonAsync<NoticesReplyDto>(ct));
        return (status, reason, reply);
    }

    /// <summary>Asks <paramref name="peerKmeId"/> to send its outbox towards this KME now (a slave asked for a key not yet noticed).</summary>
    public Task<(TransferStatus Status, string Reason)> RequestFlushAsync(string peerKmeId, CancellationToken ct)
        => PostAsync(peerKmeId, "flush", new ByteArrayContent([]), ct);

    private async Task<(TransferStatus Status, string Reason)> PostAsync(string peerKmeId, string path, HttpContent content, CancellationToken ct,
        Func<HttpContent, Task>? readReply = null)
    {
        var (client, baseUrl) = _peers[peerKmeId];
        try
        {
            using (content)
            using (var response = await client.PostAsync(new Uri(baseUrl, path), content, ct))
            {
                if (response.IsSuccessStatusCode)
                {
                    if (readReply is not null)
                    {
                        await readReply(response.Content);
                    }
                    return (TransferStatus.Accepted, "ok");
                }
                return (response.StatusCode == HttpStatusCode.Conflict ? TransferStatus.Conflict : TransferStatus.Refused, $"HTTP {(int)response.StatusCode}");
            }
        }
        catch (HttpRequestException e)
        {
            return (TransferStatus.Unreachable, e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (TransferStatus.Unreachable, "timeout");
        }
    }

    public void Dispose()
    {
        foreach (var (client, _) in _peers.Values)
        {
            client.Dispose();
        }
    }
}
