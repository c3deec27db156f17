using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Qkd.Gateway.Mqtt;

namespace Qkd.Gateway.Tests.Support;

/// <summary>
/// A Mosquitto broker this test owns: its own process on a free loopback port with persistence in a temp directory (or none),
/// plain or TLS (client certificates required, identity = certificate CN, acl_file), stopped with SIGTERM (it saves
/// its sessions) and started again on the same port and files. Needs the mosquitto binary
/// (`source scripts/services.sh; ensure_mosquitto` installs it); a missing binary fails the test, never skips it.
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    private readonly string _config;
    private Process? _process;

    private MosquittoProcess(string dir, string config, BrokerAddress address)
    {
        Directory = dir;
        _config = config;
        Address = address;
    }

    public string Directory { get; }
    public BrokerAddress Address { get; }

    private static string Binary =>
        new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto is not installed: run `source scripts/services.sh && ensure_services` (installs it), then the tests.");

    /// <summary>
    /// Writes the configuration and starts the broker. With <paramref name="tls"/>, an ACL file of <paramref name="acl"/> lines.
    /// Without <paramref name="persistence"/> a restart loses every session, subscription and queued message.
    /// </summary>
    public static async Task<MosquittoProcess> StartAsync(BrokerCertificates.Result? tls = null, IEnumerable<string>? acl = null, bool persistence = true)
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-mosq-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(dir);
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        var lines = new List<string>
        {
            "user root", // the test's own files (keys are 0600) stay readable; this broker lives for one test
            $"listener {port} 127.0.0.1",
            persistence ? "persistence true" : "persistence false",
            $"persistence_location {dir}/",
            "max_queued_messages 100000",
        };
        if (tls is null)
        {
            lines.Add("allow_anonymous true");
        }
        else
        {
            var aclPath = Path.Combine(dir, "acl");
            File.WriteAllLines(aclPath, acl ?? []);
            lines.AddRange([$"cafile {tls.CaCertPath}", $"certfile {tls.Broker.CertPath}", $"keyfile {tls.Broker.KeyPath}",
                "require_certificate true", "use_identity_as_username true", "allow_anonymous false", $"acl_file {aclPath}"]);
        }
        var config = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllLines(config, lines);
        var broker = new MosquittoProcess(dir, config, new BrokerAddress("127.0.0.1", port, tls is not null));
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Starts the process and returns once it logs that it runs (awaits its output, no sleeping).</summary>
    public async Task StartAgainAsync()
    {
        var psi = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(_config);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
            if (e.Data?.Contains(" running", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        p.ErrorDataReceived += onLine;
        p.OutputDataReceived += onLine;
        p.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"mosquitto exited with {p.ExitCode}: {log}"));
        p.Start();
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        _process = p;
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM (mosquitto saves its persistent sessions), then waits for the exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
