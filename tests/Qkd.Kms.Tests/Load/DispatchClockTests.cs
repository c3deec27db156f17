using System.Diagnostics;
using Qkd.Kms.Load;

namespace Qkd.Kms.Tests.Load;

/// <summary>The load generator's sleep until a scheduled start: never early, and (on Linux) finer than Thread.Sleep's whole milliseconds.</summary>
public sealed class DispatchClockTests
{
    private static readonly long Us300 = Stopwatch.Frequency * 300 / 1_000_000;

    [Fact]
    public void SleepUntil_NeverReturnsBeforeTheTimestamp()
    {
        for (var i = 0; i < 20; i++)
        {
            var target = Stopwatch.GetTimestamp() + Us300;
            DispatchClock.SleepUntil(target);
            Assert.True(Stopwatch.GetTimestamp() >= target);
        }
    }

    [Fact]
    public void SleepUntil_APastTimestamp_ReturnsAtOnce()
    {
        var start = Stopwatch.GetTimestamp();
        DispatchClock.SleepUntil(start - Stopwatch.Frequency);
        Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void SleepUntil_OnLinux_CanWakeWithinAMillisecondOfA300MicrosecondTarget()
    {
        if (!DispatchClock.IsPrecise)
        {
            return; // whole milliseconds elsewhere (xunit 2 has no dynamic skip)
        }
        // Thread.Sleep(1), the generator's former wait, never returns in under a millisecond; the precise sleep can. Only
        // the fastest of 40 tries is asserted: on a loaded machine most wake-ups may be late (a run with the other core
        // busy saw 8 of 20 within 1 ms), which is a scheduling delay, not the clock's.
        var fastest = TimeSpan.MaxValue;
        for (var i = 0; i < 40; i++)
        {
            var start = Stopwatch.GetTimestamp();
            DispatchClock.SleepUntil(start + Us300);
            var elapsed = Stopwatch.GetElapsedTime(start);
            fastest = elapsed < fastest ? elapsed : fastest;
        }
        Assert.True(fastest < TimeSpan.FromMilliseconds(1), $"the fastest of 40 sleeps of 300 µs took {fastest.TotalMilliseconds:F2} ms");
    }
}
