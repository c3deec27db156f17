using Prometheus;

namespace Qkd.Kms.Peering;

/// <summary>
/// The pull a slave's KME makes towards the master's KME when <c>dec_keys</c> names a key it has not
/// heard of (its notice may be on the way). At most one pull is in flight and one waits behind it;
/// every miss joins the waiting one, which starts after the one in flight ended and at least
/// <see cref="MinInterval"/> after it started. So a burst of unknown key IDs costs the peer at most one
/// call per interval (issue 13: a burst of unknown IDs must not stall the KME), and each miss is
/// answered by a pull that began after it arrived (a key served before the miss is found).
/// </summary>
public sealed class MissPull(Func<CancellationToken, Task<bool>> pull, TimeProvider time, Counter.Child pulls)
{
    /// <summary>Shortest time between the starts of two pulls towards one peer (the notice sender sends within 10 ms of a served key anyway).</summary>
    internal static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private TaskCompletionSource<bool>? _waiting;
    private Task _inFlight = Task.CompletedTask;
    private DateTimeOffset _lastStart = DateTimeOffset.MinValue;

    /// <summary>True when the peer's outbox towards this KME was flushed by a pull that began after this call (look again), false otherwise.</summary>
    public Task<bool> PullAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_waiting is null)
            {
                _waiting = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _ = RunAsync(_waiting, _inFlight);
            }
            return _waiting.Task.WaitAsync(ct);
        }
    }

    private async Task RunAsync(TaskCompletionSource<bool> mine, Task previous)
    {
        await Task.Yield();
        await previous;
        TimeSpan wait;
        lock (_gate)
        {
            wait = _lastStart == DateTimeOffset.MinValue ? TimeSpan.Zero : _lastStart + MinInterval - time.GetUtcNow();
        }
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time);
        }
        lock (_gate)
        {
            _waiting = null;
            _inFlight = mine.Task;
            _lastStart = time.GetUtcNow();
        }
        pulls.Inc();
        bool flushed;
        try
        {
            // Not a caller's token: the pull is shared, and one caller leaving must not fail the others.
            flushed = await pull(CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            flushed = false;
        }
        mine.TrySetResult(flushed);
    }
}
