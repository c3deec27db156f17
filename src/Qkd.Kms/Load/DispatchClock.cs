using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Qkd.Kms.Load;

/// <summary>
/// Sleeps the load generator's dispatch thread until a <see cref="Stopwatch"/> timestamp, precisely and
/// without spinning. <see cref="Thread.Sleep(int)"/> takes whole milliseconds (a shorter sleep is a
/// yield), so at 1,000 req/s a request started on average half a millisecond after its scheduled time
/// and that lag was part of every latency measured. On Linux the thread sleeps in
/// <c>clock_nanosleep(CLOCK_MONOTONIC)</c> for the exact remainder (the kernel wakes it within its
/// timer slack, 50 µs by default); elsewhere it falls back to whole milliseconds.
/// </summary>
internal static class DispatchClock
{
    private const int ClockMonotonic = 1;
    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>Whether sub-millisecond sleeps are available here.</summary>
    public static bool IsPrecise { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Blocks until <paramref name="timestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value) has passed, or returns at once if it has.</summary>
    public static void SleepUntil(long timestamp)
    {
        var remaining = timestamp - Stopwatch.GetTimestamp();
        if (remaining <= 0)
        {
            return;
        }
        var nanoseconds = (long)(remaining * ((double)NanosecondsPerSecond / Stopwatch.Frequency));
        if (!IsPrecise)
        {
            Thread.Sleep(Math.Max(1, (int)Math.Ceiling(nanoseconds / 1e6)));
            return;
        }
        // struct timespec { time_t tv_sec; long tv_nsec; } on 64-bit Linux: two 64-bit integers.
        Span<long> request = [nanoseconds / NanosecondsPerSecond, nanoseconds % NanosecondsPerSecond];
        // An interrupted sleep (EINTR) returns early; the caller's loop looks at the clock again.
        _ = NativeSleep(ClockMonotonic, 0, ref MemoryMarshal.GetReference(request), IntPtr.Zero);
    }

    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeSleep(int clockId, int flags, ref long request, IntPtr remain);
}
