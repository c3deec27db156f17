using System.Text.Json;

namespace Qkd.Cli.Tests.Gateway;

/// <summary>`qkd demo` end to end in process (KMS over mutual TLS, embedded broker, gateways, edge store), short runs.</summary>
public sealed class DemoCommandTests
{
    private static JsonElement RunDemo(string dir, params string[] extra)
    {
        var r = CliHarness.Run(["demo", "--duration-s", "3", "--json", "--no-browser", "--out", dir, "--seed", "7", .. extra]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    [Fact]
    public void Demo_AesGcmTwoSensors_ReportsEveryMessageDecryptedAndStored_WithTheJsonContract()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-demo-test-" + Guid.NewGuid().ToString("N")[..8]);
        var j = RunDemo(dir, "--sensors", "2", "--supply", "random");

        Assert.Equal("aes-gcm", j.GetProperty("mode").GetString());
        Assert.Equal(7UL, j.GetProperty("seed").GetUInt64());
        Assert.Equal(2, j.GetProperty("sensors").GetInt32());
        var sent = j.GetProperty("messagesSent").GetInt64();
        Assert.InRange(sent, 2 * 10, 2 * 35); // 10 Hz for about 3 s per sensor (a loaded machine coalesces timer ticks)
        Assert.Equal(sent, j.GetProperty("messagesReceived").GetInt64());
        Assert.Equal(sent, j.GetProperty("messagesDecrypted").GetInt64());
        Assert.Equal(sent, j.GetProperty("messagesStored").GetInt64());
        Assert.Empty(j.GetProperty("failures").EnumerateObject());
        Assert.Equal(0, j.GetProperty("messagesDropped").GetInt64());
        Assert.Equal(0, j.GetProperty("plaintextMessagesOnWire").GetInt64());
        Assert.Equal(2, j.GetProperty("keysConsumed").GetInt64()); // one key per device: the 30 s refresh is not reached
        Assert.Equal(2, j.GetProperty("keysFetchedByReceiver").GetInt64());
        Assert.Equal(1300, j.GetProperty("keyRateBudgetBitsPerSecond").GetDouble());
        Assert.True(j.GetProperty("keyDemandBitsPerSecond").GetDouble() > 0);
        Assert.Equal(17.1, j.GetProperty("keyDemandSteadyBitsPerSecond").GetDouble()); // 2 devices x 256 bit / 30 s (seed 002)
        Assert.True(j.GetProperty("latencyP99Ms").GetDouble() >= j.GetProperty("latencyP50Ms").GetDouble());
        Assert.True(j.GetProperty("bytesOnWire").GetInt64() > j.GetProperty("plaintextBytes").GetInt64());
        Assert.True(j.GetProperty("poolLevel").GetArrayLength() > 0);
        Assert.True(File.Exists(Path.Combine(dir, "report.md")));
        Assert.True(new FileInfo(Path.Combine(dir, "edge-signal.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(dir, "key-pool.png")).Length > 1000);
        Assert.True(File.Exists(j.GetProperty("edgeStore").GetString()));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Demo_Hybrid_DecryptsEverything()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-demo-test-" + Guid.NewGuid().ToString("N")[..8]);
        var j = RunDemo(dir, "--mode", "hybrid", "--supply", "random");
        Assert.Equal("hybrid", j.GetProperty("mode").GetString());
        Assert.Equal(j.GetProperty("messagesSent").GetInt64(), j.GetProperty("messagesStored").GetInt64());
        Assert.Equal(0, j.GetProperty("plaintextMessagesOnWire").GetInt64());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Demo_Bb84WithInterceptResend_DetectsEve_RejectsHerBlocks_KeepsTheWireClean_AndGivesTheDashboardUrl()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-demo-test-" + Guid.NewGuid().ToString("N")[..8]);
        var r = CliHarness.Run(["demo", "--duration-s", "12", "--json", "--no-browser", "--out", dir, "--seed", "7", "--time-scale", "40",
            "--eve", "intercept-resend", "--eve-at", "3", "--eve-until", "6"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("bb84", j.GetProperty("supply").GetString());
        Assert.Equal(40, j.GetProperty("timeScale").GetDouble());
        Assert.Equal(4096, j.GetProperty("prefillKeyBits").GetInt64());
        Assert.True(j.GetProperty("eavesdropperDetected").GetBoolean());
        Assert.True(j.GetProperty("blocksRejected").GetInt32() >= 1);
        Assert.Equal(0, j.GetProperty("blocksUnderFullAttackDelivered").GetInt32());
        Assert.Equal(0, j.GetProperty("plaintextOnProtectedTopic").GetInt64());
        Assert.Equal(j.GetProperty("readingsSent").GetInt64(), j.GetProperty("readingsStored").GetInt64() + j.GetProperty("readingsDropped").GetInt64()
            + j.GetProperty("readingsRejected").GetInt64());
        Assert.Equal("intercept-resend", j.GetProperty("eavesdropper").GetProperty("kind").GetString());
        Assert.StartsWith("http://127.0.0.1:", j.GetProperty("dashboardUrl").GetString(), StringComparison.Ordinal);
        Assert.Contains("dashboard: http://127.0.0.1:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("40x faster than wall time", r.Stderr, StringComparison.Ordinal);
        var report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("## The quantum link", report, StringComparison.Ordinal);
        Assert.Contains("Link time ran 40x faster", report, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(dir, "link-qber.png")).Length > 1000);
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("--time-scale", "0")]
    [InlineData("--eve-fraction", "2")]
    [InlineData("--kmes", "4")]
    [InlineData("--scheme", "mesh")]
    public void Demo_BadLinkValue_ExitsWithUsageNamingTheParameter(string flag, string value)
    {
        var r = CliHarness.Run("demo", "--no-browser", flag, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(flag, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_EveWithRandomSupply_IsAUsageError()
    {
        var r = CliHarness.Run("demo", "--no-browser", "--supply", "random", "--eve", "pns");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--eve", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--mode", "rot13")]
    [InlineData("--sensors", "0")]
    [InlineData("--duration-s", "-1")]
    public void Demo_BadValue_ExitsWithUsageNamingTheParameter(string flag, string value)
    {
        var r = CliHarness.Run("demo", flag, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(flag, r.Stderr, StringComparison.Ordinal);
    }
}
