using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Tests.Support;
using Qkd.Gateway.Tunnel;

namespace Qkd.Gateway.Tests.Tunnel;

/// <summary>
/// The tunnel against OpenSSL (Debian's openssl 3.x, a separate process) with the PSK fetched from a real KMS
/// network over ETSI 014: `openssl s_server -psk` behind a slave that looks the key up by the identity the
/// connector sent, and `openssl s_client -psk` with a key the test took as master.
/// </summary>
public sealed partial class OpenSslInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TunnelSettings OpenSslSuite = new() { Suite = TunnelSuite.Aes128GcmSha256 };

    [Theory]
    [InlineData(PskKeyExchange.PskDheKe, true)]
    [InlineData(PskKeyExchange.PskDheKe, false)]
    [InlineData(PskKeyExchange.PskKe, false)]
    public async Task Connect_AgainstOpenSslServer_RoundTrips(PskKeyExchange mode, bool hybrid)
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 51, bits: 2048);
        using var slave = bed.Client("SAE_B");
        using var master = bed.Client("SAE_A");
        // The slave side: learn the PSK identity from the ClientHello, fetch that key with dec_keys, start OpenSSL with it.
        using var front = new TcpListener(IPAddress.Loopback, 0);
        front.Start();
        OpenSslProcess? server = null;
        var relay = Task.Run(async () =>
        {
            using var fromTunnel = await front.AcceptSocketAsync();
            var hello = new byte[16384];
            var length = 0;
            Match id;
            while (!(id = KeyIdText().Match(Encoding.Latin1.GetString(hello, 0, length))).Success)
            {
                length += await fromTunnel.ReceiveAsync(hello.AsMemory(length));
            }
            var fetch = await slave.DecKeysAsync("SAE_A", [Guid.Parse(id.Value)]);
            using var key = Assert.Single(Assert.IsType<KeyFetch.Delivered>(fetch).Keys);
            var port = OpenSslProcess.FreePort();
            List<string> args = ["s_server", "-tls1_3", "-psk", Convert.ToHexString(key.Material), "-psk_identity", id.Value, "-nocert",
                "-accept", $"127.0.0.1:{port}", "-naccept", "1", "-rev"];
            if (mode == PskKeyExchange.PskKe)
            {
                args.Add("-allow_no_dhe_kex");
            }
            server = OpenSslProcess.Start([.. args]);
            await server.WaitForLineAsync("ACCEPT", Timeout);
            using var toOpenSsl = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await toOpenSsl.ConnectAsync(IPAddress.Loopback, port);
            await toOpenSsl.SendAsync(hello.AsMemory(0, length));
            await Task.WhenAny(Pipe(fromTunnel, toOpenSsl), Pipe(toOpenSsl, fromTunnel));
        });
        var metrics = new TunnelMetrics();
        var settings = OpenSslSuite with { KeyExchange = mode, HybridMlKem = hybrid };
        await using var plant = new TunnelConnector(new IPEndPoint(IPAddress.Loopback, 0), front.LocalEndpoint,
            new TunnelKeySource(master, "SAE_B", metrics, NullLogger.Instance, TimeProvider.System), settings, metrics, NullLogger.Instance, TimeProvider.System);
        plant.Start();
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(plant.LocalEndpoint);
            await s.SendAsync(Encoding.ASCII.GetBytes("PAC4200 voltage 231.4\n"));
            var back = new byte[22];
            Assert.Equal(22, await SocketIo.ReadExactlyAsync(s, back).WaitAsync(Timeout));
            Assert.Equal("4.132 egatlov 0024CAP\n", Encoding.ASCII.GetString(back));
            Assert.Equal(1, metrics.KeysConsumed);
            var protocol = await server!.WaitForLineAsync("Protocol version", Timeout);
            Assert.Contains("TLSv1.3", protocol, StringComparison.Ordinal);
        }
        finally
        {
            server?.Dispose();
            await relay.WaitAsync(Timeout).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task Listen_AgainstOpenSslClient_RoundTrips()
    {
        await using var run = await EdgeRun.StartAsync(seed: 52);
        using var client = OpenSslProcess.Start("s_client", "-tls1_3", "-psk", Convert.ToHexString(run.Key.Material), "-psk_identity", run.Key.Id.ToString(),
            "-connect", $"127.0.0.1:{run.Edge.LocalEndpoint.Port}", "-quiet", "-ign_eof");
        await client.Input.WriteLineAsync("Modbus through the QKD tunnel");
        await client.Input.FlushAsync();
        await client.WaitForLineAsync("Modbus through the QKD tunnel", Timeout);
        Assert.Equal(1, run.Echo.Accepted);
        Assert.Equal(1, run.Edge.Metrics.KeysConsumed);
        Assert.Equal(1, run.Edge.Metrics.ConnectionsEstablished);
    }

    [Fact]
    public async Task Listen_OpenSslClientWithWrongKey_IsRefused_AndNothingForwarded()
    {
        await using var run = await EdgeRun.StartAsync(seed: 53);
        var wrong = run.Key.Material.ToArray();
        wrong[0] ^= 1;
        using var client = OpenSslProcess.Start("s_client", "-tls1_3", "-psk", Convert.ToHexString(wrong), "-psk_identity", run.Key.Id.ToString(),
            "-connect", $"127.0.0.1:{run.Edge.LocalEndpoint.Port}", "-quiet", "-ign_eof");
        await client.Input.WriteLineAsync("must not arrive");
        await client.Input.FlushAsync();
        await client.WaitForLineAsync("alert", Timeout);
        Assert.Equal(0, run.Echo.Accepted);
        Assert.Equal(0, run.Edge.Metrics.ConnectionsEstablished);
    }

    /// <summary>A KMS network, an echo server behind `qkd tunnel listen` (SAE_B), and one key the test took as master SAE_A.</summary>
    private sealed class EdgeRun : IAsyncDisposable
    {
        private Testbed _bed = null!;
        private EtsiKeyClient _master = null!;
        private EtsiKeyClient _slave = null!;

        public EchoServer Echo { get; private set; } = null!;
        public TunnelListener Edge { get; private set; } = null!;
        public QkdKey Key { get; private set; } = null!;

        public static async Task<EdgeRun> StartAsync(ulong seed)
        {
            var run = new EdgeRun { _bed = await Testbed.StartAsync() };
            await run._bed.SupplyAsync(seed, bits: 2048);
            run._master = run._bed.Client("SAE_A");
            run._slave = run._bed.Client("SAE_B");
            run.Echo = new EchoServer();
            var metrics = new TunnelMetrics();
            run.Edge = new TunnelListener(new IPEndPoint(IPAddress.Loopback, 0), run.Echo.Endpoint,
                new TunnelKeySource(run._slave, "SAE_A", metrics, NullLogger.Instance, TimeProvider.System), OpenSslSuite, metrics, NullLogger.Instance, TimeProvider.System);
            run.Edge.Start();
            var fetch = await run._master.EncKeysAsync("SAE_B", 1, 256);
            run.Key = Assert.Single(Assert.IsType<KeyFetch.Delivered>(fetch).Keys);
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            Key.Dispose();
            await Edge.DisposeAsync();
            await Echo.DisposeAsync();
            _master.Dispose();
            _slave.Dispose();
            await _bed.DisposeAsync();
        }
    }

    private static async Task Pipe(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, n));
            }
        }
        catch (SocketException)
        {
        }
        to.Shutdown(SocketShutdown.Send);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex KeyIdText();
}
