using System.Text.Json;

namespace Qkd.Cli.Tests.Quantum;

public class QuantumCommandTests
{
    private static JsonElement Json(CliHarness.Result r) => JsonDocument.Parse(r.Stdout).RootElement;

    [Fact]
    public void Teleport_Json_HasContractFields_AndFidelityOne()
    {
        var r = CliHarness.Run("teleport", "--trials", "200", "--seed", "4", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = Json(r);
        Assert.Equal(200, j.GetProperty("trials").GetInt32());
        Assert.True(j.GetProperty("minFidelity").GetDouble() > 1 - 1e-9);
        Assert.True(j.GetProperty("meanFidelity").GetDouble() > 1 - 1e-9);
        Assert.InRange(j.GetProperty("meanFidelityWithoutController").GetDouble(), 0.55, 0.65);
    }

    [Fact]
    public void E91_Json_HasContractFields_AndViolatesBellWithoutEve()
    {
        var r = CliHarness.Run("e91", "--distance-km", "10", "--pairs", "200000", "--seed", "2", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = Json(r);
        Assert.True(j.GetProperty("chsh").GetDouble() > 2.5);
        Assert.True(j.GetProperty("qber").GetDouble() < 0.05);
        Assert.True(j.GetProperty("siftedBits").GetInt64() > 0);
    }

    [Fact]
    public void E91_InterceptResend_AbortsWithExit1()
    {
        var r = CliHarness.Run("e91", "--distance-km", "10", "--pairs", "200000", "--eve", "intercept-resend", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.True(Json(r).GetProperty("chsh").GetDouble() <= 2);
    }

    [Fact]
    public void E91_BadEve_Exits2AndNamesTheFlag()
    {
        var r = CliHarness.Run("e91", "--distance-km", "10", "--eve", "beam-splitter");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--eve", r.Stderr);
    }

    [Fact]
    public void DecoyCheck_Json_HasMeasuredAndExactProbabilities()
    {
        var r = CliHarness.Run("decoy-check", "--decoys", "6", "--trials", "5000", "--seed", "1", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = Json(r);
        Assert.Equal(Math.Pow(0.75, 6), j.GetProperty("undetectedProbabilityExact").GetDouble(), 12);
        Assert.InRange(j.GetProperty("undetectedProbability").GetDouble(), 0.14, 0.22);
    }

    [Fact]
    public void DecoyCheck_MissingDecoys_Exits2()
        => Assert.Equal(2, CliHarness.Run("decoy-check").ExitCode);

    [Fact]
    public void Qrng_WritesFile_AndReportsContractFields()
    {
        var path = Path.Combine(Path.GetTempPath(), $"qkd-qrng-{Guid.NewGuid():N}.bin");
        try
        {
            var r = CliHarness.Run("qrng", "--bytes", "5000", "--out", path, "--json");
            Assert.Equal(0, r.ExitCode);
            var j = Json(r);
            Assert.True(j.GetProperty("healthTestsPassed").GetBoolean());
            Assert.InRange(j.GetProperty("minEntropyPerSample").GetDouble(), 5.5, 6.5);
            Assert.Equal(j.GetProperty("minEntropyPerSample").GetDouble(), j.GetProperty("minEntropyBitsPerSample").GetDouble());
            Assert.Equal(j.GetProperty("mostCommonValueEstimate").GetDouble(), j.GetProperty("mostCommonValueEstimateBitsPerSample").GetDouble());
            var health = j.GetProperty("health");
            Assert.Equal(health.GetProperty("claimedMinEntropyPerSample").GetDouble(), health.GetProperty("claimedMinEntropyBitsPerSample").GetDouble());
            Assert.Equal(5000, new FileInfo(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Qrng_StuckSource_Exits1AndWritesNothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"qkd-qrng-{Guid.NewGuid():N}.bin");
        var r = CliHarness.Run("qrng", "--bytes", "1000", "--fault", "stuck", "--out", path, "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.False(Json(r).GetProperty("healthTestsPassed").GetBoolean());
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Qrng_FromFileSource_UsesIt_AndShortFileAborts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"qkd-qrng-src-{Guid.NewGuid():N}.bin");
        try
        {
            var data = new byte[40_000];
            var random = new Qkd.Bits.SimRandom(5);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (byte)random.NextUInt64();
            }
            File.WriteAllBytes(path, data);
            var ok = CliHarness.Run("qrng", "--bytes", "2000", "--source", path, "--json");
            Assert.Equal(0, ok.ExitCode);
            Assert.Contains(path, Json(ok).GetProperty("source").GetString());
            Assert.Equal(1, CliHarness.Run("qrng", "--bytes", "100000", "--source", path).ExitCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void E91_CurveMaxKm_AddsAnalyticCurveToJson()
    {
        var r = CliHarness.Run("e91", "--distance-km", "10", "--pairs", "100000", "--curve-max-km", "100", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = Json(r);
        Assert.Equal(11, j.GetProperty("curve").GetArrayLength());
        Assert.True(j.GetProperty("chsh").GetDouble() > 2);
    }

    [Fact]
    public void Qrng_FromFileSource_BitsPerSample_KeepsOnlyLowBits()
    {
        var path = Path.Combine(Path.GetTempPath(), $"qkd-qrng-bits-{Guid.NewGuid():N}.bin");
        try
        {
            var data = new byte[60_000];
            var random = new Qkd.Bits.SimRandom(6);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (byte)(0xF0 | (random.NextBit() ? 1 : 0)); // high bits constant, low bit random
            }
            File.WriteAllBytes(path, data);
            var r = CliHarness.Run("qrng", "--bytes", "1000", "--source", path, "--bits-per-sample", "1", "--min-entropy", "0.8", "--json");
            Assert.Equal(0, r.ExitCode);
            Assert.InRange(Json(r).GetProperty("mostCommonValueEstimate").GetDouble(), 0.8, 1.0);
            Assert.Equal(2, CliHarness.Run("qrng", "--bytes", "10", "--source", path, "--bits-per-sample", "1", "--min-entropy", "3").ExitCode);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
