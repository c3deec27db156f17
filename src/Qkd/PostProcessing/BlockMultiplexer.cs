using System.Buffers.Binary;
using System.Collections.Concurrent;
using Qkd.Classical;

namespace Qkd.PostProcessing;

/// <summary>
/// Carries the conversations of many blocks in flight over one classical channel end. Frames queued by the
/// blocks are coalesced into one channel message per flush (so a decorator such as Wegman-Carter
/// authentication pays one tag per coalesced message, not per block message), and a reader routes incoming
/// frames to their block. Message layout: int32 frame count, then per frame int32 block id, int32 payload
/// length, int64 simulated send time [ticks of 100 ns] and the payload.
/// </summary>
/// <remarks>
/// Simulated latency: each block conversation carries a logical clock; a receiver sets its clock to
/// max(own, send time + one-way latency) (Lamport clocks), so a block's completion time counts exactly the
/// latency its round trips would cost, whatever the real scheduling. A worker reuses its clock from block to
/// block, so the largest clock at the end is the makespan of the whole run under that latency.
/// </remarks>
internal sealed class BlockMultiplexer : IDisposable
{
    private const int FrameHeaderBytes = 16;
    private readonly IClassicalChannel _inner;
    private readonly long _latencyTicks;
    private readonly ConcurrentDictionary<int, System.Threading.Channels.Channel<(byte[] Payload, long Stamp)>> _inboxes = new();
    private readonly Lock _pendingGate = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private List<(int Block, long Stamp, byte[] Payload)> _pending = [];
    private List<(int Block, long Stamp, byte[] Payload)> _spare = [];
    private bool _flushScheduled;
    private Exception? _failure;
    private Task? _reader;

    public BlockMultiplexer(IClassicalChannel inner, TimeSpan simulatedOneWayLatency)
    {
        _inner = inner;
        _latencyTicks = simulatedOneWayLatency.Ticks;
    }

    /// <summary>Channel messages sent (after coalescing).</summary>
    public long MessagesSent { get; private set; }

    public void Start(CancellationToken cancellationToken) => _reader = Task.Run(() => ReadLoopAsync(cancellationToken), cancellationToken);

    /// <summary>A block's end of the conversation, on the given worker's logical clock.</summary>
    public IClassicalChannel Open(int block, SimulatedClock clock) => new BlockChannel(this, block, clock);

    /// <summary>Waits for queued frames to be sent.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        _flushGate.Release();
        bool more;
        lock (_pendingGate)
        {
            more = _pending.Count > 0;
        }
        if (more)
        {
            await SendPendingAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync()
    {
        if (_reader is not null)
        {
            try
            {
                await _reader.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public void Dispose() => _flushGate.Dispose();

    private void Enqueue(int block, long stamp, ReadOnlyMemory<byte> payload)
    {
        if (_failure is { } failure)
        {
            throw new ClassicalAuthenticationException("The classical channel failed; the round is aborted.", failure);
        }
        var schedule = false;
        lock (_pendingGate)
        {
            _pending.Add((block, stamp, payload.ToArray()));
            if (!_flushScheduled)
            {
                _flushScheduled = true;
                schedule = true;
            }
        }
        if (schedule)
        {
            _ = Task.Run(() => SendPendingAsync(CancellationToken.None));
        }
    }

    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<(int Block, long Stamp, byte[] Payload)> batch;
            lock (_pendingGate)
            {
                batch = _pending;
                _pending = _spare;
                _spare = batch;
                _flushScheduled = false;
            }
            if (batch.Count == 0)
            {
                return;
            }
            var size = 4;
            foreach (var f in batch)
            {
                size += FrameHeaderBytes + f.Payload.Length;
            }
            var message = new byte[size];
            BinaryPrimitives.WriteInt32LittleEndian(message, batch.Count);
            var offset = 4;
            foreach (var f in batch)
            {
                BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset), f.Block);
                BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset + 4), f.Payload.Length);
                BinaryPrimitives.WriteInt64LittleEndian(message.AsSpan(offset + 8), f.Stamp);
                f.Payload.CopyTo(message, offset + FrameHeaderBytes);
                offset += FrameHeaderBytes + f.Payload.Length;
            }
            batch.Clear();
            try
            {
                await _inner.SendAsync(message, cancellationToken).ConfigureAwait(false);
                MessagesSent++;
            }
            catch (Exception e) when (e is ClassicalAuthenticationException or InvalidOperationException)
            {
                Fail(e);
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var message = await _inner.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                Route(message);
            }
        }
        catch (OperationCanceledException)
        {
            Fail(new OperationCanceledException("The post-processing run was cancelled."));
        }
        catch (Exception e) when (e is ClassicalAuthenticationException or ArgumentException or InvalidOperationException)
        {
            Fail(e);
        }
    }

    private void Route(byte[] message)
    {
        if (message.Length < 4)
        {
            throw new ArgumentException($"A multiplexed classical message of {message.Length} bytes has no frame count.");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(message);
        var offset = 4;
        for (var i = 0; i < count; i++)
        {
            if (offset + FrameHeaderBytes > message.Length)
            {
                throw new ArgumentException($"Frame {i} of a multiplexed message overruns its {message.Length} bytes.");
            }
            var block = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(offset));
            var length = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(offset + 4));
            var stamp = BinaryPrimitives.ReadInt64LittleEndian(message.AsSpan(offset + 8));
            if (length < 0 || offset + FrameHeaderBytes + length > message.Length)
            {
                throw new ArgumentException($"Frame {i} of a multiplexed message declares {length} bytes, beyond the message.");
            }
            var payload = message.AsSpan(offset + FrameHeaderBytes, length).ToArray();
            Inbox(block).Writer.TryWrite((payload, stamp));
            offset += FrameHeaderBytes + length;
        }
    }

    private System.Threading.Channels.Channel<(byte[] Payload, long Stamp)> Inbox(int block)
    {
        var inbox = _inboxes.GetOrAdd(block, static _ => System.Threading.Channels.Channel.CreateUnbounded<(byte[], long)>());
        if (_failure is { } failure)
        {
            inbox.Writer.TryComplete(failure);
        }
        return inbox;
    }

    private void Fail(Exception e)
    {
        _failure ??= e;
        foreach (var inbox in _inboxes.Values)
        {
            inbox.Writer.TryComplete(_failure);
        }
    }

    private void Forget(int block) => _inboxes.TryRemove(block, out _);

    private sealed class BlockChannel(BlockMultiplexer owner, int block, SimulatedClock clock) : IClassicalChannel, IDisposable
    {
        public Party Self => owner._inner.Self;

        public ClassicalTraffic Traffic { get; } = new();

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            Traffic.RecordSend(message.Length);
            owner.Enqueue(block, clock.Ticks, message);
            return ValueTask.CompletedTask;
        }

        public async ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                var (payload, stamp) = await owner.Inbox(block).Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                clock.Observe(stamp + owner._latencyTicks);
                Traffic.RecordReceive(payload.Length);
                return payload;
            }
            catch (System.Threading.Channels.ChannelClosedException e)
            {
                throw new ClassicalAuthenticationException("The classical channel failed; the round is aborted.", e.InnerException ?? e);
            }
        }

        public void Dispose() => owner.Forget(block);
    }
}

/// <summary>A logical clock in ticks of 100 ns (the <see cref="TimeSpan"/> resolution) for simulated latency.</summary>
internal sealed class SimulatedClock
{
    private long _ticks;

    public long Ticks => Interlocked.Read(ref _ticks);

    public void Observe(long ticks)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _ticks);
            if (ticks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _ticks, ticks, current) != current);
    }
}
