using System.Runtime.ExceptionServices;

namespace Qkd.PostProcessing;

/// <summary>
/// A second thread that takes a share of the frames of every channel message a party handles
/// (<see cref="PostProcessingOptions.ParallelFrames"/>): the receiving thread publishes the message's frames, both
/// threads take frames one at a time from a shared cursor, and the receiving thread returns once every frame has been
/// handled. Between two messages the partner spins briefly (the next message of the ping-pong follows within tens of
/// microseconds) and then blocks, so an idle run costs no CPU. Both parties' loops may share one partner: a party that
/// finds it busy with the other party's message handles its own frames alone.
/// </summary>
/// <remarks>
/// The cursor packs the batch number, the batch's frame count and the next frame into one 64-bit word, so a claim (one
/// compare-and-swap) is consistent with the batch it belongs to; a batch is not replaced before its last frame is
/// done, so the work a claimed frame reads is that of its batch. Unlike <see cref="Parallel.For(int, int, Action{int})"/>
/// there is no task or delegate per message and no thread-pool wake-up while the partner spins.
/// </remarks>
internal sealed class FramePartner : IDisposable
{
    /// <summary>The frames of one message: <see cref="Run"/> handles frame <c>item</c>.</summary>
    internal interface IWork
    {
        void Run(int item);
    }

    /// <summary>Frames per message above which the message is handled on the calling thread alone (the cursor has 20 bits for them).</summary>
    public const int MaxItems = (1 << 20) - 1;

    /// <summary>Spin iterations (about 0.3 us each) the partner waits for the next message before it blocks.</summary>
    private const int SpinIterations = 400;

    private const int IndexBits = 20;
    private const long IndexMask = (1L << IndexBits) - 1;

    private readonly Thread _thread;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private IWork? _work;
    private long _cursor;
    private int _remaining;
    private int _busy;
    private int _sleeping;
    private volatile bool _disposed;
    private ExceptionDispatchInfo? _failure;

    public FramePartner()
    {
        _thread = new Thread(Serve) { IsBackground = true, Name = "qkd frame partner" };
        _thread.Start();
    }

    /// <summary>True when this machine has a second core for a partner to use.</summary>
    public static bool Useful => Environment.ProcessorCount > 1;

    /// <summary>Runs items [0, <paramref name="count"/>) of <paramref name="work"/> on this thread and the partner; returns when all have run.</summary>
    public void Run(IWork work, int count)
    {
        if (count < 2 || count > MaxItems || _disposed || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (var i = 0; i < count; i++)
            {
                work.Run(i);
            }
            return;
        }
        try
        {
            _work = work;
            _remaining = count;
            var batch = (Volatile.Read(ref _cursor) >> (2 * IndexBits)) + 1;
            // Interlocked: a full fence between publishing the batch and reading whether the partner sleeps.
            Interlocked.Exchange(ref _cursor, (batch << (2 * IndexBits)) | ((long)count << IndexBits));
            if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
            {
                _wake.Release();
            }
            Drain();
            var spin = new SpinWait();
            while (Volatile.Read(ref _remaining) > 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            _work = null;
            if (Interlocked.Exchange(ref _failure, null) is { } failure)
            {
                failure.Throw();
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Claims and runs frames of the current batch until none is left; false when there was none to claim.</summary>
    private bool Drain()
    {
        var ran = false;
        while (true)
        {
            var cursor = Volatile.Read(ref _cursor);
            var index = cursor & IndexMask;
            if (index >= ((cursor >> IndexBits) & IndexMask))
            {
                return ran;
            }
            if (Interlocked.CompareExchange(ref _cursor, cursor + 1, cursor) != cursor)
            {
                continue;
            }
            ran = true;
            try
            {
                _work!.Run((int)index);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                Interlocked.Decrement(ref _remaining);
            }
        }
    }

    private bool HasWork()
    {
        var cursor = Volatile.Read(ref _cursor);
        return (cursor & IndexMask) < ((cursor >> IndexBits) & IndexMask);
    }

    private void Serve()
    {
        while (!_disposed)
        {
            if (Drain())
            {
                continue;
            }
            var waited = 0;
            while (!HasWork() && !_disposed && waited++ < SpinIterations)
            {
                Thread.SpinWait(8);
            }
            if (HasWork() || _disposed)
            {
                continue;
            }
            Interlocked.Exchange(ref _sleeping, 1);
            if (HasWork() || _disposed)
            {
                // Whoever resets the flag owns the wake-up: if Run already took it, its Release must be consumed.
                if (Interlocked.Exchange(ref _sleeping, 0) == 0)
                {
                    _wake.Wait();
                }
                continue;
            }
            _wake.Wait();
        }
    }

    /// <summary>Stops the partner thread (it ends after the frame it may be running).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (Interlocked.Exchange(ref _sleeping, 0) == 1)
        {
            _wake.Release();
        }
        _thread.Join();
        _wake.Dispose();
    }
}
