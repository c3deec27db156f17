using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// The plant side (`qkd tunnel connect`, master SAE): every TCP connection accepted on the local address gets a
/// fresh QKD key from the KME (enc_keys), is carried in one TLS 1.3 connection to the peer tunnel whose PSK is
/// that key, and nothing is read from it before the handshake has completed. Without a key within
/// <see cref="TunnelSettings.KeyWait"/> the connection is closed unforwarded.
/// </summary>
public sealed class TunnelConnector(IPEndPoint local, EndPoint peer, TunnelKeySource keys, TunnelSettings settings, TunnelMetrics metrics, ILogger logger, TimeProvider time)
    : TunnelEndpoint(local, settings, metrics, logger, time)
{
    protected override async Task CarryAsync(long id, Socket accepted, CancellationToken ct)
    {
        var remote = accepted.RemoteEndPoint?.ToString() ?? "?";
        var start = Stopwatch.GetTimestamp();
        using var key = await keys.NextKeyAsync(Settings.KeyWait, ct).ConfigureAwait(false);
        if (key is null)
        {
            Refuse(id, accepted, $"no QKD key from the KME within {Settings.KeyWait.TotalSeconds} s");
            return;
        }
        var transport = Tcp(peer.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : peer.AddressFamily);
        Track(id, transport);
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            connectTimeout.CancelAfter(Settings.HandshakeTimeout);
            await transport.ConnectAsync(peer, connectTimeout.Token).ConfigureAwait(false);
        }
        var client = new QkdPskTlsClient(Settings, key.Id, key.Material);
        var keyId = key.Id;
        key.Dispose();
        await Task.Factory.StartNew(() =>
        {
            var protocol = new KeyUpdatingClientProtocol(new NetworkStream(transport, ownsSocket: true));
            transport.ReceiveTimeout = transport.SendTimeout = (int)Settings.HandshakeTimeout.TotalMilliseconds;
            try
            {
                protocol.Connect(client);
            }
            catch (IOException e)
            {
                Refuse(id, accepted, $"TLS handshake with key {keyId} failed: {e.Message}");
                protocol.Close();
                return;
            }
            transport.ReceiveTimeout = transport.SendTimeout = 0;
            var handshakeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Metrics.Established(handshakeMs);
            var group = GroupName(client.NegotiatedGroup);
            TunnelLog.SessionUp(Logger, id, remote, keyId, Settings.KeyExchange, group, handshakeMs);
            new TunnelSession(id, accepted, protocol, Settings, Metrics, Logger, Time).Run();
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    internal static string GroupName(int group) => group < 0 ? "none (psk_ke)" : NamedGroup.GetName(group);
}
