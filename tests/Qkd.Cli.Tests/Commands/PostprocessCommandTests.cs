using System.Text.Json;

namespace Qkd.Cli.Tests.Commands;

public class PostprocessCommandTests
{
    [Fact]
    public void Json_HasContractFields_AndEqualKeys()
    {
        var r = CliHarness.Run("postprocess", "--bits", "100000", "--qber", "0.02", "--runs", "2", "--seed", "5", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        foreach (var field in new[] { "keysEqual", "efficiency", "leakedBits", "secretBits", "roundTrips", "frameErrorRate", "throughputBitsPerSecond", "method" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        }
        Assert.True(root.GetProperty("keysEqual").GetBoolean());
        Assert.Equal("cascade-opt8", root.GetProperty("method").GetString());
        Assert.InRange(root.GetProperty("efficiency").GetDouble(), 1.0, 1.1);
        Assert.True(root.GetProperty("secretBits").GetInt64() > 0);
    }

    [Fact]
    public void Method_Original_IsSelectable()
    {
        var r = CliHarness.Run("postprocess", "--bits", "20000", "--qber", "0.03", "--runs", "1", "--method", "cascade-original", "--json");
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("cascade-original", doc.RootElement.GetProperty("method").GetString());
    }

    [Fact]
    public void UnknownMethod_Exits2_AndListsTheMethods()
    {
        var r = CliHarness.Run("postprocess", "--method", "turbo");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cascade-original", r.Stderr);
        Assert.Contains("ldpc", r.Stderr);
    }

    [Fact]
    public void MethodLdpc_ReconcilesOneWay_KeysEqual_FewRoundTrips()
    {
        var r = CliHarness.Run("postprocess", "--method", "ldpc", "--bits", "20000", "--qber", "0.03", "--runs", "2", "--seed", "3", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("ldpc", doc.RootElement.GetProperty("method").GetString());
        Assert.True(doc.RootElement.GetProperty("keysEqual").GetBoolean());
        // Estimation, verification and amplification, plus 1 + blind rounds (at most LdpcOptions.BlindRounds) for LDPC:
        // a bounded handful, against Cascade's hundreds.
        Assert.InRange(doc.RootElement.GetProperty("roundTrips").GetDouble(), 4, 4 + Qkd.PostProcessing.Ldpc.LdpcOptions.Default.BlindRounds);
    }

    [Fact]
    public void Lanes_Three_ReconcilesEveryBlock_KeysEqual()
    {
        var r = CliHarness.Run("postprocess", "--bits", "20000", "--qber", "0.02", "--runs", "5", "--lanes", "3", "--seed", "4", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("keysEqual").GetBoolean());
        Assert.Equal(5, doc.RootElement.GetProperty("secretBlocks").GetInt32());
    }

    [Theory]
    [InlineData(null, 16)]
    [InlineData("1", 64)]
    public void DefaultBlocksInFlight_CoverTheLatencyOnlyWhenThereIsOne(string? latencyMs, int expected)
    {
        string[] args = ["postprocess", "--bits", "20000", "--qber", "0.02", "--runs", "3", "--seed", "4", "--json"];
        var r = CliHarness.Run(latencyMs is null ? args : [.. args, "--latency-ms", latencyMs]);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(expected, doc.RootElement.GetProperty("blocksInFlight").GetInt32());
    }

    [Fact]
    public void Lanes_Zero_Exits2_NamingTheFlag()
    {
        var r = CliHarness.Run("postprocess", "--lanes", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--lanes", r.Stderr);
    }

    [Fact]
    public void Help_ListsTheMethods()
    {
        var r = CliHarness.Run("postprocess", "--help");
        Assert.Contains("cascade-opt8", r.Stdout);
        Assert.Contains("cascade-biconf", r.Stdout);
    }

    [Fact]
    public void QberAboveThreshold_Exits1()
        => Assert.Equal(1, CliHarness.Run("postprocess", "--bits", "20000", "--qber", "0.2", "--runs", "1").ExitCode);

    [Fact]
    public void KeyFiles_AreReconciled()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var random = new Random(3);
            var alice = new byte[12_500];
            random.NextBytes(alice);
            var bob = (byte[])alice.Clone();
            for (var i = 0; i < bob.Length; i += 40)
            {
                bob[i] ^= 0x01;
            }
            var a = Path.Combine(dir.FullName, "alice.bin");
            var b = Path.Combine(dir.FullName, "bob.bin");
            File.WriteAllBytes(a, alice);
            File.WriteAllBytes(b, bob);
            var r = CliHarness.Run("postprocess", "--alice-key", a, "--bob-key", b, "--bits", "100000", "--json");
            using var doc = JsonDocument.Parse(r.Stdout);
            Assert.Equal("files", doc.RootElement.GetProperty("source").GetString());
            Assert.InRange(doc.RootElement.GetProperty("measuredQber").GetDouble(), 0.002, 0.004);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
