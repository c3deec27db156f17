using Microsoft.Extensions.Time.Testing;

namespace Qkd.Kms.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also signals each timer created on it, so a test knows when the code under
/// test has started waiting (e.g. Task.Delay for a block's release time) before it moves the clock.
/// </summary>
public sealed class WatchedClock(DateTimeOffset start) : TimeProvider
{
    private readonly SemaphoreSlim _timers = new(0);
    private int _created;

    public FakeTimeProvider Fake { get; } = new(start);

    /// <summary>Timers created so far.</summary>
    public int TimersCreated => Volatile.Read(ref _created);

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _created);
        _timers.Release();
        return timer;
    }

    /// <summary>Waits for the next timer not yet waited for (fails the test after <paramref name="timeout"/>).</summary>
    public async Task NextTimerAsync(TimeSpan timeout)
    {
        Assert.True(await _timers.WaitAsync(timeout), $"no timer was created within {timeout.TotalSeconds} s");
    }

    public void Advance(TimeSpan by) => Fake.Advance(by);
}
