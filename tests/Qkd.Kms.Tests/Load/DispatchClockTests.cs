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
    public void SleepUntil_OnLinux_WakesWithinAMillisecondOfA300MicrosecondTarget()
    {
        if (!DispatchClock.IsPrecise)
        {
            return; // whole milliseconds elsewhere (xunit 2 has no dynamic skip)
        }
        // Thread.Sleep(1), the generator's former wait, never returns in under a millisecond; the precise
        // sleep should, in most tries (a loaded machine may delay some wake-ups).
        var underOneMs = 0;
        for (var i = 0; i < 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            DispatchClock.SleepUntil(start + Us300);
            underOneMs += Stopwatch.GetElapsedTime(start) < TimeSpan.FromMilliseconds(1) ? 1 : 0;
        }
        Assert.True(underOneMs >= 10, $"only {underOneMs} of 20 sleeps of 300 µs returned within 1 ms");
    }
}
