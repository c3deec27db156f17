using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Qkd.Gateway.Tests.Support;

/// <summary>
/// Debian's `openssl` (3.x) as a separate process: the other end of the interoperability tests. Lines of its
/// standard output are queued; <see cref="WaitForLineAsync"/> waits for one (no sleeping on the clock).
/// </summary>
public sealed class OpenSslProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];

    private OpenSslProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Add(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Add(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public StreamWriter Input => _process.StandardInput;

    public static OpenSslProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        try
        {
            return new OpenSslProcess(Process.Start(info)!);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The interoperability tests need Debian's openssl 3.x on PATH: `source scripts/services.sh && ensure_openssl`.", e);
        }
    }

    /// <summary>Waits for an output line containing <paramref name="text"/>; throws with everything seen when it does not come.</summary>
    public Task<string> WaitForLineAsync(string text, TimeSpan timeout) => Task.Run(() =>
    {
        var seen = new List<string>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            foreach (var line in _lines.GetConsumingEnumerable(cts.Token))
            {
                seen.Add(line);
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"openssl did not print '{text}' within {timeout.TotalSeconds} s; it printed:\n{string.Join("\n", seen)}");
    });

    /// <summary>A loopback port that was free a moment ago (for openssl's -accept).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _lines.Dispose();
    }
}
