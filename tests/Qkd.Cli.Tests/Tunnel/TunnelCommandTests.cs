using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Qkd.Kms.Dev;

namespace Qkd.Cli.Tests.Tunnel;

/// <summary>`qkd tunnel listen|connect` as commands: usage errors exit 2 naming the parameter; both ends carry a connection.</summary>
public sealed class TunnelCommandTests
{
    [Theory]
    [InlineData("listen", "--dev", "x.json", "--listen", "127.0.0.1:1", "--forward", "127.0.0.1:2", "--rekey-s", "-1", "--rekey-s")]
    [InlineData("connect", "--dev", "x.json", "--local", "127.0.0.1:1", "--peer", "127.0.0.1:2", "--psk-mode", "psk", "--psk-mode")]
    [InlineData("listen", "--dev", "x.json", "--listen", "127.0.0.1:1", "--forward", "127.0.0.1:2", "--psk-mode", "psk_ke", "--psk-mode")]
    [InlineData("connect", "--dev", "x.json", "--local", "127.0.0.1:1", "--peer", "127.0.0.1:2", "--suite", "des", "--suite")]
    [InlineData("connect", "--dev", "x.json", "--local", "127.0.0.1:1", "--peer", "127.0.0.1:2", "--stream-mode", "rolling", "--stream-mode")]
    [InlineData("listen", "--dev", "x.json", "--listen", "127.0.0.1:1", "--forward", "127.0.0.1:2", "--fresh-key-s", "0", "--fresh-key-s")]
    public void BadValue_Exits2_NamingTheParameter(params string[] argsThenName)
    {
        var r = CliHarness.Run(["tunnel", .. argsThenName[..^1]]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(argsThenName[^1], r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingAddress_Exits2_NamingIt()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-tunnel-cli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var dev = Path.Combine(dir, "dev.json");
        File.WriteAllText(dev, """{"ca":"ca.pem","kmes":[{"id":"KME_A","url":"https://127.0.0.1:1"}],"saes":[{"id":"SAE_A","kme":"KME_A","cert":"a.pem","key":"a.key"}]}""");
        var r = CliHarness.Run("tunnel", "connect", "--dev", dev, "--peer", "127.0.0.1:2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--local", r.Stderr, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("fresh-key")]
    public async Task ListenAndConnect_CarryAConnection_AndReportMetrics(string streamMode)
    {
        string[] mode = ["--stream-mode", streamMode, "--fresh-key-s", "2"];
        var dir = Path.Combine(Path.GetTempPath(), "qkd-tunnel-cli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir }, _ => { });
            using var service = new TcpListener(IPAddress.Loopback, 0);
            service.Start();
            var edgePort = FreePort();
            var plantPort = FreePort();
            var edge = Task.Run(() => CliHarness.Run(["tunnel", "listen", "--dev", net.DevJsonPath, "--listen", $"127.0.0.1:{edgePort}",
                "--forward", $"127.0.0.1:{((IPEndPoint)service.LocalEndpoint).Port}", "--duration-s", "20", "--json", .. mode]));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // The plant end refuses a connection whose edge is not listening yet: start it once the edge is up.
            (await ConnectWhenUpAsync(edgePort, cts.Token)).Dispose();
            var plant = Task.Run(() => CliHarness.Run(["tunnel", "connect", "--dev", net.DevJsonPath, "--local", $"127.0.0.1:{plantPort}",
                "--peer", $"127.0.0.1:{edgePort}", "--duration-s", "16", "--json", .. mode]));
            using var client = await ConnectWhenUpAsync(plantPort, cts.Token);
            await client.SendAsync("PING"u8.ToArray(), cts.Token);
            using var accepted = await service.AcceptSocketAsync(cts.Token);
            var got = new byte[4];
            for (var n = 0; n < 4;)
            {
                n += await accepted.ReceiveAsync(got.AsMemory(n), cts.Token);
            }
            Assert.Equal("PING"u8.ToArray(), got);
            var p = await plant;
            var e = await edge;
            Assert.True(p.ExitCode == 0, p.Stderr);
            Assert.True(e.ExitCode == 0, e.Stderr);
            var pm = JsonDocument.Parse(p.Stdout).RootElement.GetProperty("metrics");
            var em = JsonDocument.Parse(e.Stdout).RootElement.GetProperty("metrics");
            // The carried connection stays open for the whole run: fresh-key streams move it every 2 s, one key per move.
            var moves = pm.GetProperty("freshKeys").GetInt64();
            Assert.Equal(streamMode == "standard" ? 0 : moves, moves);
            Assert.True(streamMode == "standard" || moves >= 1, $"no fresh key in a 16 s fresh-key stream: {p.Stdout}");
            Assert.Equal(1 + moves + pm.GetProperty("freshKeyFailures").GetInt64(), pm.GetProperty("keysConsumed").GetInt64());
            Assert.Equal(moves, em.GetProperty("freshKeys").GetInt64());
            Assert.Equal(4, pm.GetProperty("bytesOut").GetInt64());
            Assert.Equal(4, em.GetProperty("bytesIn").GetInt64());
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A connection to 127.0.0.1:<paramref name="port"/> once something listens there (a fresh socket per attempt).</summary>
    private static async Task<Socket> ConnectWhenUpAsync(int port, CancellationToken ct)
    {
        while (true)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await s.ConnectAsync(IPAddress.Loopback, port, ct);
                return s;
            }
            catch (SocketException)
            {
                s.Dispose();
                await Task.Delay(20, ct);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
