using System.Diagnostics;

namespace Qkd.Kms.Tests.Support;

/// <summary>A KME running as its own OS process: `dotnet Qkd.Cli.dll kms serve --config FILE`.</summary>
public sealed class KmeProcess : IDisposable
{
    private readonly Process _process;

    private KmeProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Starts the process and returns once it printed that it serves (no sleeping: awaits its stdout).</summary>
    public static async Task<KmeProcess> StartAsync(string configPath, TimeSpan deadline)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Qkd.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { cli, "kms", "serve", "--config", configPath, "--insecure-dev-store" })
        {
            psi.ArgumentList.Add(a);
        }
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var stderr = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("serving ETSI GS QKD 014", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        p.ErrorDataReceived += (_, e) => stderr.AppendLine(e.Data);
        p.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"KME process exited with {p.ExitCode}: {stderr}"));
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await ready.Task.WaitAsync(deadline);
        return new KmeProcess(p);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM-like graceful stop (Ctrl-C path) is not needed by the tests; dispose kills if still running.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
