using System.Text.Json;

namespace Qkd.Cli.Tests;

public class SimulateCommandTests
{
    [Fact]
    public void Json_HasEveryContractField()
    {
        var r = CliHarness.Run("simulate", "--preset", "gys", "--distance-km", "25", "--pulses", "20000000", "--seed", "5", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        foreach (var field in new[] { "pulses", "detections", "siftedBits", "qber", "gain", "perIntensity", "y1Lower", "e1Upper", "secure", "elapsedSeconds" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing --json field '{field}'");
        }
        Assert.Equal(20_000_000, root.GetProperty("pulses").GetInt64());
        Assert.Equal(3, root.GetProperty("perIntensity").GetArrayLength());
        var signal = root.GetProperty("perIntensity")[0];
        Assert.Equal("signal", signal.GetProperty("name").GetString());
        Assert.True(signal.GetProperty("gain").GetDouble() > 0);
        Assert.True(signal.GetProperty("qber").GetDouble() is > 0 and < 0.1);
        Assert.Equal(signal.GetProperty("disclosed").GetInt64(), signal.GetProperty("disclosedBits").GetInt64());
        Assert.Equal(5UL, root.GetProperty("seed").GetUInt64());
    }

    [Fact]
    public void SameSeed_SameJsonCounts()
    {
        string[] args = ["simulate", "--preset", "turin", "--seconds", "0.5", "--seed", "9", "--json"];
        using var a = JsonDocument.Parse(CliHarness.Run(args).Stdout);
        using var b = JsonDocument.Parse(CliHarness.Run(args).Stdout);
        Assert.Equal(a.RootElement.GetProperty("siftedBits").GetInt32(), b.RootElement.GetProperty("siftedBits").GetInt32());
        Assert.Equal(a.RootElement.GetProperty("detections").GetInt64(), b.RootElement.GetProperty("detections").GetInt64());
        Assert.Equal("three-state", a.RootElement.GetProperty("protocol").GetString());
    }

    [Fact]
    public void InterceptResend_ReportsHighQber_AndNotSecure()
    {
        var r = CliHarness.Run("simulate", "--preset", "gys", "--pulses", "20000000", "--eve", "intercept-resend", "--eve-fraction", "1",
            "--seed", "3", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.InRange(doc.RootElement.GetProperty("qber").GetDouble(), 0.2, 0.33);
        Assert.False(doc.RootElement.GetProperty("secure").GetBoolean());
    }

    [Fact]
    public void DecoyFlag_SetsIntensitiesAndProbabilities()
    {
        var r = CliHarness.Run("simulate", "--preset", "gys", "--pulses", "5000000", "--decoy", "signal=0.5:0.8,decoy=0.1,vacuum=0", "--seed", "1", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var intensities = doc.RootElement.GetProperty("perIntensity");
        Assert.Equal(0.5, intensities[0].GetProperty("meanPhotonNumber").GetDouble());
        Assert.Equal(0.8, intensities[0].GetProperty("probability").GetDouble(), 12);
        Assert.Equal(0.1, intensities[1].GetProperty("probability").GetDouble(), 12);
        Assert.Equal("vacuum", intensities[2].GetProperty("name").GetString());
    }

    [Fact]
    public void TextReport_NamesVerdict()
    {
        var r = CliHarness.Run("simulate", "--preset", "seed-001", "--pulses", "2000000", "--seed", "2");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("SECURE", r.Stdout);
        Assert.Contains("x real time", r.Stdout);
    }

    [Theory]
    [InlineData("--preset", "mars")]
    [InlineData("--preset", "gys", "--distance-km", "-3")]
    [InlineData("--preset", "gys", "--eve", "photon-stealer")]
    [InlineData("--preset", "gys", "--eve-fraction", "1.5")]
    [InlineData("--preset", "gys", "--pulses", "0")]
    [InlineData("--preset", "gys", "--pulses", "100", "--seconds", "1")]
    [InlineData("--preset", "gys", "--decoy", "signal=abc")]
    [InlineData("--preset", "gys", "--decoy", "signal=0.1,decoy=0.5")]
    [InlineData("--preset", "turin", "--protocol", "three-state", "--decoy", "signal=0.5,decoy=0.1,vacuum=0")]
    [InlineData("--preset", "gys", "--protocol", "bb85")]
    [InlineData("--distance-km", "10")]
    [InlineData("--preset", "seed-001", "--distance-km", "0", "--seconds", "100000")]
    public void BadArguments_Exit2_WithAMessage(params string[] args)
    {
        var r = CliHarness.Run(["simulate", .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(r.Stderr));
        Assert.Contains("error", r.Stderr);
    }

    [Fact]
    public void BadDistance_MessageNamesTheParameterAndRange()
    {
        var r = CliHarness.Run("simulate", "--preset", "gys", "--distance-km", "5000");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--distance-km", r.Stderr);
        Assert.Contains("[0, 1000] km", r.Stderr);
    }
}
