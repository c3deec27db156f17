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

    /// <summary>The peer answered that it cannot take these units (409) or that it cannot serve (4xx/5xx).</summary>
    Refused,

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
                        && trust.IsValidServer(c) && CertificateTrust.CommonName(c) == expectedCn,
                },
            };
            var client = new HttpClient(handler) { Timeout = timeout, DefaultRequestVersion = HttpVersion.Version11 };
            _peers[peer.KmeId] = (client, new Uri(peer.Url.TrimEnd('/') + "/kme/v1/keys"));
        }
    }

    /// <summary>Posts <paramref name="transfer"/> to <paramref name="peerKmeId"/>; returns the status and a reason for logs.</summary>
    public async Task<(TransferStatus Status, string Reason)> SendAsync(string peerKmeId, KeyTransferDto transfer, CancellationToken ct)
    {
        var (client, url) = _peers[peerKmeId];
        try
        {
            using var response = await client.PostAsJsonAsync(url, transfer, ct);
            if (response.IsSuccessStatusCode)
            {
                return (TransferStatus.Accepted, "ok");
            }
            return (TransferStatus.Refused, $"HTTP {(int)response.StatusCode}");
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
