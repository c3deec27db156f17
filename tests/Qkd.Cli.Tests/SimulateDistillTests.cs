using System.Text.Json;

namespace Qkd.Cli.Tests;

public class SimulateDistillTests
{
    [Fact]
    public void Distill_Json_GysTenSecondBlock_ReportsFiniteKeyModelAndNoKeyFromEither()
    {
        var r = CliHarness.Run("simulate", "--preset", "gys", "--distance-km", "25", "--seconds", "10", "--seed", "4", "--distill", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var d = doc.RootElement.GetProperty("distill");
        Assert.True(d.GetProperty("keysEqual").GetBoolean());
        // Finite key (Lim et al. 2014) on both sides: a 10-s GYS block at 25 km is too short for the decoy bounds, so
        // the model and the chain both give no key (the chain used to deliver key from asymptotic bounds).
        Assert.Equal(0, d.GetProperty("grossSecretKeyRateBps").GetDouble());
        Assert.Equal("decoy-vacuum-weak-finite", d.GetProperty("analyticModel").GetString());
        Assert.Equal(0, d.GetProperty("analyticSecretKeyRateBps").GetDouble());
        Assert.Equal("cascade-opt8", d.GetProperty("method").GetString());
    }

    [Fact]
    public void Distill_UnknownMethod_Exits2()
    {
        var r = CliHarness.Run("simulate", "--preset", "gys", "--seconds", "1", "--distill", "--method", "turbo");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--method", r.Stderr);
    }

    [Fact]
    public void Distill_TooFewSiftedBits_Exits2WithHint()
    {
        var r = CliHarness.Run("simulate", "--preset", "gys", "--pulses", "1000", "--seed", "1", "--distill");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--seconds", r.Stderr);
    }
}
