using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// Carries one TCP connection over a chain of TLS 1.3 connections, each under its own QKD key (fresh-key streams,
/// ours: <see cref="SegmentWire"/>). The connecting end opens the next segment in the background (key, TCP,
/// handshake, header) and offers it (<see cref="OfferAsync"/>); the listening end, when the header arrives, moves
/// first (<see cref="MoveTo"/>): under the write lock it ends its sending direction of the old segment with an
/// empty frame and sends on the new one. The connecting end's reader meets that frame, reads on from the new
/// segment and only then moves its own sending direction, so neither reader ever waits for a segment it has not
/// got: the stall a move costs the stream is writing two bytes under the lock. Each receiving direction reads the
/// old segment up to the peer's empty frame, then the next; a segment closes once both directions have left it. Order is kept because each direction switches at one point in its own byte sequence. Any
/// failure, a malformed frame, or a next segment that does not arrive within the handshake timeout ends the
/// whole carried connection: nothing reaches the plaintext side that did not come out of a verified TLS record.
/// </summary>
internal sealed class SegmentedTunnelSession : IDisposable
{
    private readonly long _id;
    private readonly Socket _plain;
    private readonly TunnelSettings _settings;
    private readonly TunnelMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _write = new();
    private readonly List<TlsSegment> _segments = [];
    private readonly Channel<TlsSegment> _nextToRead = Channel.CreateUnbounded<TlsSegment>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _ended = new();
    private readonly TlsSegment _first;
    private TlsSegment _sending;
    private bool _closed;
    private long _bytesOut;
    private long _bytesIn;
    private long _rekeys;

    public SegmentedTunnelSession(long id, Guid streamId, Socket plain, TlsSegment first, TunnelSettings settings, TunnelMetrics metrics, ILogger logger, TimeProvider time)
    {
        _id = id;
        StreamId = streamId;
        _plain = plain;
        _settings = settings;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _first = _sending = first;
        _segments.Add(first);
        NextSegmentNumber = first.Number + 1;
    }

    public Guid StreamId { get; }

    /// <summary>The number the next segment of this stream must carry (the listening end checks it).</summary>
    public uint NextSegmentNumber { get; set; }

    /// <summary>Cancelled when the carried connection has ended.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Runs until the carried connection ends; blocks the calling thread.</summary>
    public void Run()
    {
        using var timer = _settings.RekeyInterval > TimeSpan.Zero
            ? _time.CreateTimer(_ => KeyUpdate(), null, _settings.RekeyInterval, _settings.RekeyInterval)
            : null;
        var inbound = Task.Factory.StartNew(TlsToPlain, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        PlainToTls();
        inbound.Wait();
        _metrics.Closed();
        TunnelLog.SessionClosed(_logger, _id, _bytesOut, _bytesIn, _rekeys);
    }

    /// <summary>
    /// Leading move (the listening end, when a new segment's header arrives): queues <paramref name="next"/> for the
    /// receiving direction and moves the sending direction onto it now. False when the session has ended (the
    /// caller closes the segment).
    /// </summary>
    public bool MoveTo(TlsSegment next) => Queue(next) && SwitchSending(next);

    /// <summary>
    /// Following move, first half (the connecting end, after opening <paramref name="next"/>): queues it for the
    /// receiving direction. Completes true when the peer's end-of-segment frame has arrived (the peer took the
    /// segment and the receiving direction reads from it now), false when the session ended first. The caller then
    /// moves the sending direction with <see cref="FollowTo"/>, on its own thread: the reader must never wait for
    /// the write lock, or a sender blocked on a full old segment and a reader no longer draining the new one would
    /// hold each other up.
    /// </summary>
    public Task<bool> OfferAsync(TlsSegment next)
    {
        var moved = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _following, moved);
        if (!Queue(next))
        {
            moved.TrySetResult(false);
        }
        return moved.Task;
    }

    private TaskCompletionSource<bool>? _following;

    /// <summary>Ends the carried connection (a queued segment failed, so the stream cannot keep its order); idempotent.</summary>
    public void Abort() => Close();

    /// <summary>Following move, second half: moves the sending direction onto <paramref name="next"/>; false when the session has ended.</summary>
    public bool FollowTo(TlsSegment next) => SwitchSending(next);

    private bool Queue(TlsSegment next)
    {
        lock (_segments)
        {
            if (_closed)
            {
                return false;
            }
            _segments.Add(next);
        }
        _nextToRead.Writer.TryWrite(next);
        return true;
    }

    /// <summary>Ends this end's sending direction of the current segment with an empty frame and sends on <paramref name="next"/>.</summary>
    private bool SwitchSending(TlsSegment next)
    {
        TlsSegment old;
        long start;
        TimeSpan held;
        lock (_write)
        {
            // Timed inside the lock, as a KeyUpdate is: waiting for the record being written is the stream flowing,
            // not a stall; what the move adds is the time it holds the sending direction.
            start = Stopwatch.GetTimestamp();
            if (_closed)
            {
                return false;
            }
            old = _sending;
            try
            {
                old.Stream.Write([0, 0]);
                old.Stream.Flush();
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                _sending = next;
                Close();
                return false;
            }
            _sending = next;
            held = Stopwatch.GetElapsedTime(start);
        }
        _metrics.FreshKeyMoved(held);
        TunnelLog.FreshKey(_logger, _id, next.Number, next.KeyId, held.TotalMilliseconds);
        old.Release();
        return true;
    }

    private bool KeyUpdate()
    {
        lock (_write)
        {
            if (_closed)
            {
                return false;
            }
            if (!SessionSteps.KeyUpdate(_sending.Protocol, _id, _metrics, _logger))
            {
                return false;
            }
            _rekeys++;
            return true;
        }
    }

    private void PlainToTls()
    {
        var buffer = new byte[SegmentWire.FrameHeaderBytes + SegmentWire.MaxFramePayload];
        try
        {
            while (true)
            {
                var n = _plain.Receive(buffer, SegmentWire.FrameHeaderBytes, SegmentWire.MaxFramePayload, SocketFlags.None);
                if (n <= 0)
                {
                    break;
                }
                BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)n);
                var start = Stopwatch.GetTimestamp();
                lock (_write)
                {
                    if (_closed)
                    {
                        break;
                    }
                    _sending.Stream.Write(buffer, 0, SegmentWire.FrameHeaderBytes + n);
                }
                _metrics.ForwardMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                _metrics.AddOut(n);
                _bytesOut += n;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Close();
        }
    }

    private void TlsToPlain()
    {
        var payload = new byte[SegmentWire.MaxFramePayload];
        var frame = new byte[SegmentWire.FrameHeaderBytes];
        var reading = _first;
        try
        {
            while (SegmentWire.ReadExactly(reading.Stream, frame))
            {
                var n = BinaryPrimitives.ReadUInt16BigEndian(frame);
                if (n == 0)
                {
                    var wait = Stopwatch.GetTimestamp();
                    reading.Release();
                    if (NextToRead() is not { } next)
                    {
                        TunnelLog.SessionRefused(_logger, _id, "-", $"segment {reading.Number + 1} did not arrive within {_settings.HandshakeTimeout.TotalSeconds} s of the end of segment {reading.Number}");
                        break;
                    }
                    _metrics.FreshKeyReadWait(Stopwatch.GetElapsedTime(wait));
                    reading = next;
                    if (Interlocked.Exchange(ref _following, null) is { } following)
                    {
                        following.TrySetResult(true);
                    }
                    continue;
                }
                if (n > SegmentWire.MaxFramePayload || !SegmentWire.ReadExactly(reading.Stream, payload.AsSpan(0, n)))
                {
                    break;
                }
                SessionSteps.ToPlain(_plain, payload, n, _metrics);
                _bytesIn += n;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Close();
        }
    }

    /// <summary>The next segment in stream order, waiting up to the handshake timeout (the peer may be mid-move); null on timeout or end.</summary>
    private TlsSegment? NextToRead()
    {
        if (_nextToRead.Reader.TryRead(out var next))
        {
            return next;
        }
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token);
        wait.CancelAfter(_settings.HandshakeTimeout);
        try
        {
            return _nextToRead.Reader.ReadAsync(wait.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private void Close()
    {
        TlsSegment[] all;
        lock (_write)
        {
            lock (_segments)
            {
                if (_closed)
                {
                    return;
                }
                _closed = true;
                all = [.. _segments];
            }
        }
        _ended.Cancel();
        Interlocked.Exchange(ref _following, null)?.TrySetResult(false);
        foreach (var segment in all)
        {
            segment.Close();
        }
        SessionSteps.ClosePlain(_plain);
    }

    /// <summary>Releases the end-of-stream signal; call after <see cref="Run"/> and every user of <see cref="Ended"/> have finished.</summary>
    public void Dispose() => _ended.Dispose();
}
