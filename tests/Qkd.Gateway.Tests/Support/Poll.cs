using System.Diagnostics;

namespace Qkd.Gateway.Tests.Support;

/// <summary>Waiting in tests for a condition another thread makes true (a counter that follows a socket write, say).</summary>
internal static class Poll
{
    /// <summary>
    /// Polls <paramref name="done"/> every 20 ms (doing <paramref name="step"/> between polls) until it holds; fails the
    /// test when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task UntilAsync(Func<bool> done, TimeSpan timeout, Action? step = null)
    {
        var start = Stopwatch.GetTimestamp();
        while (!done())
        {
            Assert.True(Stopwatch.GetElapsedTime(start) < timeout, "condition not reached within the timeout");
            step?.Invoke();
            await Task.Delay(20);
        }
    }
}
