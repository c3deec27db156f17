using System.Runtime.InteropServices;

namespace Qkd.Cli;

/// <summary>Waits for Ctrl-C (SIGINT), SIGTERM or cancellation, for commands that serve in the foreground.</summary>
public static class ShutdownSignal
{
    /// <summary>Completes when the process is asked to stop or <paramref name="ct"/> fires.</summary>
    public static async Task WaitAsync(CancellationToken ct)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(PosixSignalContext c)
        {
            c.Cancel = true;
            stop.TrySetResult();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handler);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handler);
        await using var registration = ct.Register(() => stop.TrySetResult());
        await stop.Task;
    }
}
