using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// The edge side (`qkd tunnel listen`, slave SAE): accepts TLS 1.3 connections whose external PSK identity is
/// an ETSI key_ID, fetches that key from its KME (dec_keys), and only after the handshake has verified the
/// client's Finished under that key opens the forward connection and carries the stream. A client whose key the
/// KME will not deliver, or who offers no such identity, fails the handshake; nothing reaches the forward address.
/// The listener requires psk_dhe_ke: BouncyCastle 2.7's TLS 1.3 server selects an external PSK only in that mode.
/// </summary>
public sealed class TunnelListener(IPEndPoint listen, EndPoint forward, TunnelKeySource keys, TunnelSettings settings, TunnelMetrics metrics, ILogger logger, TimeProvider time)
    : TunnelEndpoint(listen, RequireDhe(settings), metrics, logger, time)
{
    private static TunnelSettings RequireDhe(TunnelSettings settings) => settings.KeyExchange == PskKeyExchange.PskDheKe
        ? settings
        : throw new ArgumentException("The listening tunnel end supports psk_dhe_ke only (BouncyCastle 2.7's TLS 1.3 server selects an external PSK only with a key share); psk_ke is available on the connecting end, e.g. against `openssl s_server -allow_no_dhe_kex`.", nameof(settings));

    protected override Task CarryAsync(long id, Socket accepted, CancellationToken ct) => Task.Factory.StartNew(() =>
    {
        var remote = accepted.RemoteEndPoint?.ToString() ?? "?";
        var start = Stopwatch.GetTimestamp();
        var server = new QkdPskTlsServer(Settings, keyId =>
        {
            using var key = keys.KeyByIdAsync(keyId, Settings.KeyWait, ct).GetAwaiter().GetResult();
            return key?.Material.ToArray();
        });
        var protocol = new KeyUpdatingServerProtocol(new NetworkStream(accepted, ownsSocket: false));
        accepted.ReceiveTimeout = accepted.SendTimeout = (int)Settings.HandshakeTimeout.TotalMilliseconds;
        try
        {
            protocol.Accept(server);
        }
        catch (IOException e)
        {
            Refuse(id, accepted, $"TLS handshake failed{(server.SelectedKeyId is { } k ? $" with key {k}" : "")}: {e.Message}");
            return;
        }
        accepted.ReceiveTimeout = accepted.SendTimeout = 0;
        var target = Tcp(forward.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : forward.AddressFamily);
        Track(id, target);
        try
        {
            target.Connect(forward);
        }
        catch (SocketException e)
        {
            protocol.Close();
            Refuse(id, accepted, $"forward address {forward} refused: {e.Message}");
            return;
        }
        var handshakeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Metrics.Established(handshakeMs);
        var group = TunnelConnector.GroupName(server.NegotiatedGroup);
        TunnelLog.SessionUp(Logger, id, remote, server.SelectedKeyId!.Value, Settings.KeyExchange, group, handshakeMs);
        new TunnelSession(id, target, protocol, Settings, Metrics, Logger, Time).Run();
    }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
