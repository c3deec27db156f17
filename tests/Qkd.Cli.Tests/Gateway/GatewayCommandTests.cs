using System.Text.Json;
using Qkd.Gateway.Mqtt;
using Qkd.Kms.Dev;

namespace Qkd.Cli.Tests.Gateway;

/// <summary>`qkd gateway send|receive` as separate commands against a development KMS network and a broker.</summary>
public sealed class GatewayCommandTests
{
    [Theory]
    [InlineData("hybrid")]
    [InlineData("ascon")]
    public async Task SendAndReceive_EverySentSampleIsStoredAtTheEdge(string mode)
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-gw-cli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir, RunSupply = false }, _ => { });
            await using var broker = await EmbeddedBroker.StartAsync();
            var store = Path.Combine(dir, "edge.db");
            if (mode == "hybrid")
            {
                var keygen = CliHarness.Run("gateway", "keygen", "--dev", net.DevJsonPath, "--sae", "SAE_A", "--json");
                Assert.True(keygen.ExitCode == 0, keygen.Stderr);
            }
            var receive = Task.Run(() => CliHarness.Run("gateway", "receive", "--dev", net.DevJsonPath, "--broker", broker.Address.ToString(),
                "--store", store, "--duration-s", "8", "--mode", mode, "--from", "SAE_A", "--json"));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await broker.Changed.WaitUntilAsync(() => broker.Subscriptions >= 1, cts.Token);

            var send = CliHarness.Run("gateway", "send", "--dev", net.DevJsonPath, "--broker", broker.Address.ToString(), "--mode", mode,
                "--duration-s", "2", "--seed", "3", "--json");
            Assert.True(send.ExitCode == 0, send.Stderr);
            var tx = JsonDocument.Parse(send.Stdout).RootElement;
            var rxRun = await receive;
            Assert.True(rxRun.ExitCode == 0, rxRun.Stderr);
            var rx = JsonDocument.Parse(rxRun.Stdout).RootElement;

            var sent = tx.GetProperty("messagesSent").GetInt64();
            Assert.True(sent >= 1);
            Assert.Equal(tx.GetProperty("samples").GetInt64(), sent); // held samples are drained, sealed, after the sensor stops
            Assert.Equal(mode, tx.GetProperty("mode").GetString());
            Assert.Equal(1, tx.GetProperty("keysConsumed").GetInt64());
            Assert.Equal(sent, rx.GetProperty("messagesStored").GetInt64());
            Assert.Equal(1, rx.GetProperty("keysFetched").GetInt64());
            Assert.Empty(rx.GetProperty("failures").EnumerateObject());
            Assert.Equal(0, rx.GetProperty("receiveQueueOverflows").GetInt64());
            if (mode == "hybrid")
            {
                // The hybrid epoch was signed (ML-DSA-65) and checked against the public key keygen wrote.
                Assert.Contains(broker.Seen, m => Qkd.Gateway.Sealing.SealedHeader.TryRead(m.Payload, out _)?.KemSignature is { Length: 3309 });
            }
            else
            {
                // Ascon-AEAD128 on the wire (mode byte 4), as pinned at the receiver.
                Assert.Contains(broker.Seen, m => Qkd.Gateway.Sealing.SealedHeader.TryRead(m.Payload, out _)?.Mode == Qkd.Gateway.Sealing.SealingMode.Ascon);
            }
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
    public void Keygen_RefusesToOverwrite_WithoutForce_AndWritesTheSeedWithMode0600()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-gw-keygen-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var key = Path.Combine(dir, "a.mldsa");
            Assert.Equal(0, CliHarness.Run("gateway", "keygen", "--dev", Path.Combine(dir, "dev.json"), "--out", key).ExitCode);
            Assert.Equal(1952, new FileInfo(key + ".pub").Length);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            }
            var again = CliHarness.Run("gateway", "keygen", "--dev", Path.Combine(dir, "dev.json"), "--out", key);
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);
            Assert.Equal(0, CliHarness.Run("gateway", "keygen", "--dev", Path.Combine(dir, "dev.json"), "--out", key, "--force").ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Receive_TlsBrokerWithoutCa_ExitsWithUsageNamingTheOption()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-gw-tlsusage-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "dev.json"), """{"ca":"ca.pem","kmes":[{"id":"KME_B","url":"https://127.0.0.1:1"}],"saes":[{"id":"SAE_B","kme":"KME_B","cert":"b.pem","key":"b.key"}]}""");
            var r = CliHarness.Run("gateway", "receive", "--dev", Path.Combine(dir, "dev.json"), "--broker", "mqtts://127.0.0.1:8883");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("--mqtt-ca", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Send_BadBrokerAddress_ExitsWithUsage()
    {
        var r = CliHarness.Run("gateway", "send", "--dev", "/nonexistent/dev.json", "--broker", "http://x");
        Assert.NotEqual(0, r.ExitCode);
    }
}
