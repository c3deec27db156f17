using System.Text.Json;

namespace Qkd.Cli.Tests.Commands;

public sealed class PlanCommandTests : IDisposable
{
    private static readonly string Root = FindRoot();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qkd-plan-tests-" + Guid.NewGuid().ToString("N"));

    public PlanCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string FindRoot() => CliHarness.RepoRoot();

    [Fact]
    public void SampleYaml_ComparesBothSeed000Architectures_AsJson()
    {
        var r = CliHarness.Run("plan", Path.Combine(Root, "scenarios", "plans", "fronthaul-two-architectures.yaml"), "--json");
        Assert.Equal(0, r.ExitCode);
        using var d = JsonDocument.Parse(r.Stdout);
        var archs = d.RootElement.GetProperty("architectures");
        Assert.Equal(2, archs.GetArrayLength());
        var manyRx = archs[0];
        var manyTx = archs[1];
        Assert.True(manyRx.GetProperty("totalCost").GetDouble() > manyTx.GetProperty("totalCost").GetDouble(), "many receivers cost more");
        Assert.True(manyRx.GetProperty("totalAes256KeysPerSecond").GetDouble() > manyTx.GetProperty("totalAes256KeysPerSecond").GetDouble());
        var link = manyRx.GetProperty("links")[0];
        foreach (var f in new[] { "totalLossDb", "qber", "secretKeyRateBps", "aes256KeysPerSecond", "demandMet" })
        {
            Assert.True(link.TryGetProperty(f, out _), f);
        }
        Assert.Equal(link.GetProperty("timeShare").GetDouble(), link.GetProperty("timeShareFraction").GetDouble());
    }

    [Fact]
    public void SampleJson_TurinLink_MeetsThe150SensorDemand()
    {
        var r = CliHarness.Run("plan", Path.Combine(Root, "scenarios", "plans", "turin-edge.json"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("quantum-fibre", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("yes", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_Exits2_NamingIt()
    {
        var r = CliHarness.Run("plan", Path.Combine(_dir, "nope.yaml"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nope.yaml", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: x\nsites: [{ id: a, kind: moon }]\n")]
    [InlineData("name: x\nsites: [{ id: a, kind: du }]\nfibres: [{ id: f, from: a, to: b, lengthKm: 5 }]\narchitectures: [{ name: n, devices: [] }]\n")]
    [InlineData("name: x\nsites: [{ id: a, kind: du }, { id: b, kind: aau }]\nfibres: [{ id: f, from: a, to: b, lengthKm: -5 }]\n")]
    [InlineData("name: [unclosed\n")]
    public void InvalidPlan_Exits2(string yaml)
    {
        var path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, yaml);
        var r = CliHarness.Run("plan", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
    }
}
