namespace Qkd.Gateway.Pipeline;

/// <summary>Lets callers await a condition on counters without polling: every change pulses the signal.</summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every waiter.</summary>
    public void Pulse() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes when <paramref name="condition"/> holds (checked now and after each pulse).</summary>
    public async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            var next = Volatile.Read(ref _changed).Task;
            if (condition())
            {
                return;
            }
            await next.WaitAsync(ct).ConfigureAwait(false);
        }
    }
}
