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

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, SegmentedTunnelSession> _streams = new();

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
        Guid streamId = default;
        uint number = 0;
        try
        {
            protocol.Accept(server);
            if (Settings.FreshKeyStreams)
            {
                var header = new byte[SegmentWire.HeaderBytes];
                if (!SegmentWire.ReadExactly(protocol.Stream, header) || !SegmentWire.TryParseHeader(header, out streamId, out number))
                {
                    protocol.Close();
                    Refuse(id, accepted, "fresh-key stream without a valid segment header");
                    return;
                }
            }
        }
        catch (IOException e)
        {
            Refuse(id, accepted, $"TLS handshake failed{(server.SelectedKeyId is { } k ? $" with key {k}" : "")}: {e.Message}");
            return;
        }
        accepted.ReceiveTimeout = accepted.SendTimeout = 0;
        var keyId = server.SelectedKeyId!.Value;
        if (Settings.FreshKeyStreams && number > 0)
        {
            Continue(id, accepted, new TlsSegment(number, keyId, protocol, accepted), streamId);
            return;
        }
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
        TunnelLog.SessionUp(Logger, id, remote, keyId, Settings.KeyExchange, group, handshakeMs);
        if (!Settings.FreshKeyStreams)
        {
            new TunnelSession(id, target, protocol, Settings, Metrics, Logger, Time).Run();
            return;
        }
        using var session = new SegmentedTunnelSession(id, streamId, target, new TlsSegment(0, keyId, protocol, accepted), Settings, Metrics, Logger, Time);
        if (!_streams.TryAdd(streamId, session))
        {
            protocol.Close();
            Refuse(id, accepted, $"stream {streamId} already exists");
            return;
        }
        try
        {
            session.Run();
        }
        finally
        {
            _streams.TryRemove(streamId, out _);
        }
    }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// A further segment of a running fresh-key stream: accepted only for a stream this end carries and only as its
    /// next segment in order (a replayed or skipped number is refused); then the stream moves onto it and this
    /// connection's task lives until the segment closes, so its socket stays open.
    /// </summary>
    private void Continue(long id, Socket accepted, TlsSegment segment, Guid streamId)
    {
        if (!_streams.TryGetValue(streamId, out var session))
        {
            segment.Close();
            Refuse(id, accepted, $"segment {segment.Number} of an unknown stream {streamId}");
            return;
        }
        lock (session)
        {
            if (segment.Number != session.NextSegmentNumber)
            {
                segment.Close();
                Refuse(id, accepted, $"segment {segment.Number} of stream {streamId} out of order (expected {session.NextSegmentNumber})");
                return;
            }
            session.NextSegmentNumber++;
        }
        if (!session.MoveTo(segment))
        {
            segment.Close();
            return;
        }
        segment.Closed.Wait();
    }
}
