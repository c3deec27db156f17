using System.Text.Json;

namespace Qkd.Cli.Tests.Commands;

public class KeyrateCommandTests
{
    [Fact]
    public void Json_HasTheContractFields()
    {
        var r = CliHarness.Run("keyrate", "--model", "decoy-vacuum-weak", "--preset", "gys", "--distance-km", "50", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        foreach (var field in new[] { "model", "distanceKm", "mu", "gain", "qber", "keyRatePerPulse", "secretKeyRateBps", "aes256KeysPerSecond", "maxDistanceKm" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        }
        Assert.Equal("decoy-vacuum-weak", root.GetProperty("model").GetString());
        Assert.Equal(50, root.GetProperty("distanceKm").GetDouble());
        Assert.True(root.GetProperty("secretKeyRateBps").GetDouble() > 0);
    }

    [Fact]
    public void FlagsOverrideThePreset()
    {
        var a = CliHarness.Run("keyrate", "--model", "seed-simple", "--preset", "seed-001", "--distance-km", "100", "--json");
        var b = CliHarness.Run("keyrate", "--model", "seed-simple", "--preset", "seed-001", "--distance-km", "100", "--dark-count-per-pulse", "1e-4", "--json");
        using var da = JsonDocument.Parse(a.Stdout);
        using var db = JsonDocument.Parse(b.Stdout);
        Assert.True(db.RootElement.GetProperty("qber").GetDouble() > da.RootElement.GetProperty("qber").GetDouble());
    }

    [Fact]
    public void GivenMu_IsUsed_AndNotOptimised()
    {
        var r = CliHarness.Run("keyrate", "--model", "gllp", "--mu", "0.3", "--json");
        using var d = JsonDocument.Parse(r.Stdout);
        Assert.Equal(0.3, d.RootElement.GetProperty("mu").GetDouble());
        Assert.False(d.RootElement.GetProperty("muOptimised").GetBoolean());
    }

    [Fact]
    public void TextReport_NamesTheModelAndUnits()
    {
        var r = CliHarness.Run("keyrate", "--model", "decoy-one-finite", "--preset", "turin");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("bit/s", r.Stdout);
        Assert.Contains("decoy-one-finite", r.Stdout);
    }

    [Theory]
    [InlineData("--model", "bogus")]
    [InlineData("--model", "gllp", "--distance-km", "-5")]
    [InlineData("--model", "gllp", "--detector-efficiency", "1.5")]
    [InlineData("--model", "gllp", "--detector-efficiency", "-0.1")]
    [InlineData("--model", "gllp", "--mu", "NaN")]
    [InlineData("--model", "gllp", "--alpha-db-per-km", "nan")]
    [InlineData("--model", "gllp", "--preset", "mars")]
    [InlineData("--distance-km", "10")]
    public void BadValues_Exit2_NamingTheParameter(params string[] args)
    {
        var r = CliHarness.Run(["keyrate", .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("--", r.Stderr);
    }

    [Fact]
    public void ZeroEfficiency_Exits2_WithTheRange()
    {
        var r = CliHarness.Run("keyrate", "--model", "gllp", "--detector-efficiency", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Detector efficiency", r.Stderr);
    }
}

public class KeyrateWdmTests
{
    [Fact]
    public void Wdm_AddsNoise_AndReportsTolerableClassicalPower()
    {
        var r = CliHarness.Run("keyrate", "--model", "decoy-vacuum-weak", "--preset", "seed-001", "--distance-km", "20",
            "--wdm", "passive", "--classical-launch-dbm", "-20", "--json");
        Assert.Equal(0, r.ExitCode);
        using var d = System.Text.Json.JsonDocument.Parse(r.Stdout);
        Assert.True(d.RootElement.GetProperty("noiseCountPerPulse").GetDouble() > 0);
        var max = d.RootElement.GetProperty("maxClassicalLaunchDbm").GetDouble();
        Assert.InRange(max, -20, 27);
    }

    [Fact]
    public void ClassicalPower_WithoutWdm_Exits2()
    {
        var r = CliHarness.Run("keyrate", "--model", "gllp", "--classical-launch-dbm", "-5");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--wdm", r.Stderr, StringComparison.Ordinal);
    }
}
