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
/// <see cref="TunnelSettings.KeyWait"/> the connection is closed unforwarded. With fresh-key streams the
/// connection is carried by a <see cref="SegmentedTunnelSession"/> and moved onto a new TLS connection under a new
/// QKD key every <see cref="TunnelSettings.FreshKeyInterval"/>.
/// </summary>
public sealed class TunnelConnector(IPEndPoint local, EndPoint peer, TunnelKeySource keys, TunnelSettings settings, TunnelMetrics metrics, ILogger logger, TimeProvider time)
    : TunnelEndpoint(local, settings, metrics, logger, time)
{
    protected override async Task CarryAsync(long id, Socket accepted, CancellationToken ct)
    {
        var remote = accepted.RemoteEndPoint?.ToString() ?? "?";
        var start = Stopwatch.GetTimestamp();
        var streamId = Guid.NewGuid();
        var opened = await OpenAsync(streamId, 0, ct).ConfigureAwait(false);
        if (opened.Failure is { } failure)
        {
            Refuse(id, accepted, failure);
            return;
        }
        var up = opened.Segment!;
        Track(id, up.Transport);
        var handshakeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Metrics.Established(handshakeMs);
        var group = GroupName(up.NegotiatedGroup);
        TunnelLog.SessionUp(Logger, id, remote, up.Segment.KeyId, Settings.KeyExchange, group, handshakeMs);
        if (!Settings.FreshKeyStreams)
        {
            await Task.Factory.StartNew(() => new TunnelSession(id, accepted, up.Segment.Protocol, Settings, Metrics, Logger, Time).Run(),
                ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            return;
        }
        using var session = new SegmentedTunnelSession(id, streamId, accepted, up.Segment, Settings, Metrics, Logger, Time);
        var carrying = Task.Factory.StartNew(session.Run, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await BringFreshKeysAsync(id, session).ConfigureAwait(false);
        await carrying.ConfigureAwait(false);
    }

    /// <summary>Every <see cref="TunnelSettings.FreshKeyInterval"/> until the stream ends: a new segment under a new key, then the move.</summary>
    private async Task BringFreshKeysAsync(long id, SegmentedTunnelSession session)
    {
        var ct = session.Ended;
        try
        {
            while (true)
            {
                await Task.Delay(Settings.FreshKeyInterval, Time, ct).ConfigureAwait(false);
                var number = session.NextSegmentNumber;
                var opened = await OpenAsync(session.StreamId, number, ct, sendHeader: false).ConfigureAwait(false);
                if (opened.Failure is { } failure)
                {
                    Metrics.FreshKeyFailed();
                    TunnelLog.FreshKeyFailed(Logger, id, failure);
                    continue;
                }
                session.NextSegmentNumber = number + 1;
                var segment = opened.Segment!.Segment;
                // Queue the segment for this end's reader before the header lets the peer move: when the peer's
                // end-of-segment frame arrives, the reader finds the next segment waiting.
                var moved = session.OfferAsync(segment);
                try
                {
                    segment.Stream.Write(SegmentWire.Header(session.StreamId, number));
                    segment.Stream.Flush();
                }
                catch (IOException e)
                {
                    Metrics.FreshKeyFailed();
                    TunnelLog.FreshKeyFailed(Logger, id, $"segment {number} failed before its header: {e.Message}");
                    session.Abort();
                    return;
                }
                try
                {
                    await moved.WaitAsync(Settings.HandshakeTimeout, Time, ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // The stream carries on where it is; the move happens if the peer takes the segment later.
                    TunnelLog.FreshKeyFailed(Logger, id, $"the listening end has not taken segment {number} within {Settings.HandshakeTimeout.TotalSeconds} s");
                }
                if (!await moved.ConfigureAwait(false) || !session.FollowTo(segment))
                {
                    segment.Close();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed record Up(TlsSegment Segment, Socket Transport, int NegotiatedGroup);

    private sealed record Opened(Up? Segment, string? Failure);

    /// <summary>
    /// A QKD key from the KME, a TCP connection to the peer, the TLS 1.3 handshake under that key, and (fresh-key
    /// streams) the segment header; or the reason it failed, with everything opened closed again.
    /// </summary>
    private async Task<Opened> OpenAsync(Guid streamId, uint number, CancellationToken ct, bool sendHeader = true)
    {
        using var key = await keys.NextKeyAsync(Settings.KeyWait, ct).ConfigureAwait(false);
        if (key is null)
        {
            return new Opened(null, $"no QKD key from the KME within {Settings.KeyWait.TotalSeconds} s");
        }
        var transport = Tcp(peer.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : peer.AddressFamily);
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connectTimeout.CancelAfter(Settings.HandshakeTimeout);
            await transport.ConnectAsync(peer, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            transport.Dispose();
            return new Opened(null, $"peer tunnel {peer} unreachable: {e.Message}");
        }
        var client = new QkdPskTlsClient(Settings, key.Id, key.Material);
        var keyId = key.Id;
        key.Dispose();
        return await Task.Factory.StartNew(() =>
        {
            var protocol = new KeyUpdatingClientProtocol(new NetworkStream(transport, ownsSocket: true));
            transport.ReceiveTimeout = transport.SendTimeout = (int)Settings.HandshakeTimeout.TotalMilliseconds;
            try
            {
                protocol.Connect(client);
                if (Settings.FreshKeyStreams && sendHeader)
                {
                    protocol.Stream.Write(SegmentWire.Header(streamId, number));
                    protocol.Stream.Flush();
                }
            }
            catch (IOException e)
            {
                protocol.Close();
                transport.Dispose();
                return new Opened(null, $"TLS handshake with key {keyId} failed: {e.Message}");
            }
            transport.ReceiveTimeout = transport.SendTimeout = 0;
            return new Opened(new Up(new TlsSegment(number, keyId, protocol, transport), transport, client.NegotiatedGroup), null);
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    internal static string GroupName(int group) => group < 0 ? "none (psk_ke)" : NamedGroup.GetName(group);
}
