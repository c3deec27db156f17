using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Qkd.Gateway.Tests.Support;
using Qkd.Gateway.Tunnel;

namespace Qkd.Gateway.Tests.Tunnel;

/// <summary>The TLS 1.3 external-PSK tunnel end to end: plant connector, edge listener, a real KMS network, real sockets.</summary>
public sealed class TunnelRoundTripTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Tunnel_CarriesBytesBothWays_WithOneQkdKeyPerConnection()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 41, bits: 4096);
        await using var echo = new EchoServer();
        await using var pair = TunnelPair.Start(bed, echo.Endpoint);
        var sent = TestKeys.Bytes(42, 100_000);
        using (var s = await pair.ConnectAsync())
        {
            var reader = Task.Run(async () =>
            {
                var back = new byte[sent.Length];
                Assert.Equal(sent.Length, await SocketIo.ReadExactlyAsync(s, back));
                return back;
            });
            await s.SendAsync(sent);
            Assert.Equal(sent, await reader.WaitAsync(Timeout));
        }
        using (var s2 = await pair.ConnectAsync())
        {
            await s2.SendAsync(new byte[] { 1, 2, 3 });
            var back = new byte[3];
            Assert.Equal(3, await SocketIo.ReadExactlyAsync(s2, back).WaitAsync(Timeout));
            Assert.Equal(new byte[] { 1, 2, 3 }, back);
        }
        Assert.Equal(2, pair.Plant.Metrics.KeysConsumed);
        Assert.Equal(2, pair.Edge.Metrics.KeysConsumed);
        // The plant counts a chunk once its write to the TLS stream returned, which can be after the echo came back to the
        // client (a run with a busy core read it short of the last chunk), so the count gets a moment to catch up.
        await Poll.UntilAsync(() => pair.Plant.Metrics.BytesOut >= sent.Length + 3, Timeout);
        Assert.Equal(sent.Length + 3, pair.Plant.Metrics.BytesOut);
        Assert.Equal(2, echo.Accepted);
    }

    [Fact]
    public async Task Listener_RefusesPskKeOnlyClient_AndForwardsNothing()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 44, bits: 2048);
        await using var echo = new EchoServer();
        await using var pair = TunnelPair.Start(bed, echo.Endpoint, new TunnelSettings { KeyExchange = PskKeyExchange.PskKe }, new TunnelSettings());
        using var s = await pair.ConnectAsync();
        await s.SendAsync(new byte[] { 1 });
        Assert.Equal(0, await SocketIo.ReadUntilClosedAsync(s).WaitAsync(Timeout));
        Assert.Equal(1, pair.Plant.Metrics.ConnectionsRefused); // counted before the plant closes the client's socket
        Assert.Equal(0, pair.Edge.Metrics.ConnectionsEstablished);
        Assert.Equal(0, echo.Accepted);
    }

    [Fact]
    public async Task NoKeyFromKme_ConnectionIsClosed_AndNothingReachesTheEdge()
    {
        await using var bed = await Testbed.StartAsync();
        await using var echo = new EchoServer();
        var shortWait = new TunnelSettings { KeyWait = TimeSpan.FromMilliseconds(600) };
        await using var pair = TunnelPair.Start(bed, echo.Endpoint, shortWait, shortWait);
        using var s = await pair.ConnectAsync();
        await s.SendAsync(new byte[] { 1, 2, 3 });
        Assert.Equal(0, await SocketIo.ReadUntilClosedAsync(s).WaitAsync(Timeout));
        Assert.Equal(1, pair.Plant.Metrics.ConnectionsRefused);
        Assert.Equal(0, pair.Edge.Metrics.ConnectionsAccepted);
        Assert.Equal(0, echo.Accepted);
    }

    [Fact]
    public async Task KeyUpdate_OnTheRekeyTimer_KeepsTheStreamFlowing()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 45, bits: 2048);
        await using var echo = new EchoServer();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var settings = new TunnelSettings { RekeyInterval = TimeSpan.FromSeconds(30) };
        await using var pair = TunnelPair.Start(bed, echo.Endpoint, settings, settings, clock);
        using var s = await pair.ConnectAsync();
        var back = new byte[64];
        for (var round = 0; round < 4; round++)
        {
            var chunk = TestKeys.Bytes((ulong)(100 + round), 64);
            await s.SendAsync(chunk);
            Assert.Equal(64, await SocketIo.ReadExactlyAsync(s, back).WaitAsync(Timeout));
            Assert.Equal(chunk, back);
            clock.Advance(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(4, pair.Plant.Metrics.KeyUpdates);
        Assert.Equal(4, pair.Edge.Metrics.KeyUpdates);
        Assert.Equal(1, pair.Plant.Metrics.KeysConsumed);
    }

    [Fact]
    public async Task Logs_CarryKeyIds_NeverKeyMaterial()
    {
        var captured = new CapturedLogs();
        using var factory = LoggerFactory.Create(captured.Configure);
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 46, bits: 2048);
        await using var echo = new EchoServer();
        await using (var pair = TunnelPair.Start(bed, echo.Endpoint, logs: factory))
        {
            using var s = await pair.ConnectAsync();
            await s.SendAsync(new byte[] { 5 });
            Assert.Equal(1, await SocketIo.ReadExactlyAsync(s, new byte[1]).WaitAsync(Timeout));
        }
        var text = string.Join("\n", captured.Lines);
        Assert.Contains("TLS 1.3 up with key", text, StringComparison.Ordinal);
        Assert.Contains("group X25519MLKEM768", text, StringComparison.Ordinal);
        foreach (var unit in bed.DeliveredUnits)
        {
            Assert.DoesNotContain(Convert.ToHexString(unit), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(unit), text, StringComparison.Ordinal);
        }
    }
}
