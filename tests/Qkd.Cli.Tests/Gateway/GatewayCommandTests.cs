using System.Text.Json;
using Qkd.Gateway.Mqtt;
using Qkd.Kms.Dev;

namespace Qkd.Cli.Tests.Gateway;

/// <summary>`qkd gateway send|receive` as separate commands against a development KMS network and a broker.</summary>
public sealed class GatewayCommandTests
{
    [Fact]
    public async Task SendAndReceive_Hybrid_EverySentSampleIsStoredAtTheEdge()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-gw-cli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir, RunSupply = false }, _ => { });
            await using var broker = await EmbeddedBroker.StartAsync();
            var store = Path.Combine(dir, "edge.db");
            var receive = Task.Run(() => CliHarness.Run("gateway", "receive", "--dev", net.DevJsonPath, "--broker", broker.Address.ToString(),
                "--store", store, "--duration-s", "8", "--json"));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await broker.Changed.WaitUntilAsync(() => broker.Subscriptions >= 1, cts.Token);

            var send = CliHarness.Run("gateway", "send", "--dev", net.DevJsonPath, "--broker", broker.Address.ToString(), "--mode", "hybrid",
                "--duration-s", "2", "--seed", "3", "--json");
            Assert.True(send.ExitCode == 0, send.Stderr);
            var tx = JsonDocument.Parse(send.Stdout).RootElement;
            var rxRun = await receive;
            Assert.True(rxRun.ExitCode == 0, rxRun.Stderr);
            var rx = JsonDocument.Parse(rxRun.Stdout).RootElement;

            var sent = tx.GetProperty("messagesSent").GetInt64();
            Assert.True(sent >= 1);
            Assert.Equal(tx.GetProperty("samples").GetInt64(), sent); // held samples are drained, sealed, after the sensor stops
            Assert.Equal("hybrid", tx.GetProperty("mode").GetString());
            Assert.Equal(1, tx.GetProperty("keysConsumed").GetInt64());
            Assert.Equal(sent, rx.GetProperty("messagesStored").GetInt64());
            Assert.Equal(1, rx.GetProperty("keysFetched").GetInt64());
            Assert.Empty(rx.GetProperty("failures").EnumerateObject());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Send_BadBrokerAddress_ExitsWithUsage()
    {
        var r = CliHarness.Run("gateway", "send", "--dev", "/nonexistent/dev.json", "--broker", "http://x");
        Assert.NotEqual(0, r.ExitCode);
    }
}
