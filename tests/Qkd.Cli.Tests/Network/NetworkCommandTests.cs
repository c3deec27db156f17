using System.Text.Json;
using Qkd.Cli.Commands.Network;
using Qkd.Network;

namespace Qkd.Cli.Tests.Network;

public class NetworkCommandTests
{
    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "qkd.slnx")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir!.FullName, relative);
    }

    [Fact]
    public void Simulate_Json_HasContractFields()
    {
        var r = CliHarness.Run("network", "simulate", "--topology", "metro3", "--policy", "fixed", "--capacity", "200", "--olt-rate", "2",
            "--keys-per-service", "10", "--load", "300", "--seeds", "3", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        foreach (var field in new[] { "successRate", "successRateCi95", "servicesArrived", "servicesServed", "keysConsumed", "keysWasted" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        }
        Assert.InRange(root.GetProperty("successRate").GetDouble(), 0.3, 1);
        Assert.True(root.GetProperty("successRateCi95").GetDouble() > 0);
    }

    [Fact]
    public void Simulate_HoldingTime_ReportsDroppedServices()
    {
        var r = CliHarness.Run("network", "simulate", "--load", "800", "--holding-time", "30", "--initial-fill", "0.5", "--seeds", "2", "--json");
        Assert.Equal(0, r.ExitCode);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(30, root.GetProperty("holdingTimeSeconds").GetDouble());
        Assert.True(root.GetProperty("servicesDropped").GetInt64() > 0);
        // The unit-suffixed twins stand beside the old names (issue 14), with the same values.
        Assert.Equal(800, root.GetProperty("loadServices").GetDouble());
        Assert.Equal(root.GetProperty("load").GetDouble(), root.GetProperty("loadServices").GetDouble());
        Assert.Equal(0.5, root.GetProperty("initialFillFraction").GetDouble());
        Assert.Equal(root.GetProperty("initialFill").GetDouble(), root.GetProperty("initialFillFraction").GetDouble());
    }

    [Theory]
    [InlineData("--capacity", "0", "--capacity")]
    [InlineData("--olt-rate", "-1", "--olt-rate")]
    [InlineData("--policy", "greedy", "--policy")]
    [InlineData("--topology", "city:5", "city:N")]
    [InlineData("--topology", "no-such-file.json", "no-such-file.json")]
    public void Simulate_BadValue_Exits2AndNamesIt(string flag, string value, string named)
    {
        var r = CliHarness.Run("network", "simulate", flag, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(named, r.Stderr);
    }

    [Fact]
    public void Simulate_Metro3File_MatchesBuiltInTopology()
    {
        var file = CliHarness.Run("network", "simulate", "--topology", RepoFile("scenarios/network/metro3.json"), "--load", "700", "--seeds", "2", "--json");
        var builtIn = CliHarness.Run("network", "simulate", "--topology", "metro3", "--load", "700", "--seeds", "2", "--json");
        Assert.Equal(0, file.ExitCode);
        double Served(string json) => JsonDocument.Parse(json).RootElement.GetProperty("servicesServed").GetDouble();
        Assert.Equal(Served(builtIn.Stdout), Served(file.Stdout));
    }

    [Fact]
    public void Simulate_FibreScenario_RunsWithKeyRateModel()
    {
        var r = CliHarness.Run("network", "simulate", "--topology", RepoFile("scenarios/network/fronthaul-fibre.json"), "--load", "20000",
            "--horizon", "100", "--seeds", "2", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.True(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("keysGenerated").GetDouble() > 0);
    }

    [Fact]
    public void Sweep_WritesCsvPlotsAndReport()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-sweep-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = CliHarness.Run("network", "sweep", "--topology", "metro3", "--vary", "capacity=200,400", "--load", "100,1000", "--seeds", "2", "--out", dir, "--json");
            Assert.Equal(0, r.ExitCode);
            var json = JsonDocument.Parse(r.Stdout).RootElement;
            Assert.Equal("keys", json.GetProperty("valueUnit").GetString());
            Assert.Equal(1000, json.GetProperty("loadsServices")[1].GetDouble());
            Assert.Equal(json.GetProperty("points")[0].GetProperty("load").GetDouble(), json.GetProperty("points")[0].GetProperty("loadServices").GetDouble());
            var csv = File.ReadAllLines(Path.Combine(dir, "sweep-capacity.csv"));
            Assert.Equal(1 + 2 * 3 * 2, csv.Length);
            Assert.True(new FileInfo(Path.Combine(dir, "sweep-capacity.png")).Length > 1000);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(dir, "sweep-capacity.svg")));
            var report = File.ReadAllText(Path.Combine(dir, "sweep-capacity.md"));
            Assert.Contains("At load 1000 Adaptive Key Residue keeps success above 0.6", report);
            Assert.Contains("Load L", report);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Theory]
    [InlineData("--vary", "colour=1,2")]
    [InlineData("--load", "1000:100:100")]
    [InlineData("--policy", "fixed,bogus")]
    public void Sweep_BadValue_Exits2(string flag, string value)
    {
        var args = new List<string> { "network", "sweep", "--out", Path.GetTempPath(), "--vary", "capacity=200" };
        var i = args.IndexOf(flag);
        if (i >= 0)
        {
            args[i + 1] = value;
        }
        else
        {
            args.AddRange([flag, value]);
        }
        var r = CliHarness.Run([.. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(flag, r.Stderr);
    }

    [Fact]
    public void SweepPlots_Series_OneCurvePerPolicyAndValue_SortedByLoad()
    {
        var points = new List<SweepPoint>();
        foreach (var policy in new[] { "fixed", "adaptive-residue" })
        {
            foreach (var c in new[] { 200.0, 400.0 })
            {
                foreach (var load in new[] { 300.0, 100.0, 200.0 })
                {
                    points.Add(new SweepPoint(policy, "capacity", c, load, 1 - load / 1000, 0.01, 10, 5, 1, 1, 0, 1, 1));
                }
            }
        }
        var series = SweepPlots.Series(points, ["fixed", "adaptive-residue"]);
        Assert.Equal(4, series.Count);
        Assert.All(series, s => Assert.Equal([100.0, 200.0, 300.0], s.Loads));
        Assert.Equal("fixed, C [keys] = 200", series[0].Legend);
        Assert.Equal([0.9, 0.8, 0.7], series[0].Success, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void TopologyFile_LinkWithTwoRates_IsRejectedWithReason()
    {
        const string json = """
            { "nodes": [ { "id": "a", "role": "olt" }, { "id": "b", "role": "edge-gateway" } ],
              "links": [ { "a": "a", "b": "b", "capacityKeys": 10, "keysPerSecond": 1, "bitsPerSecond": 256 } ] }
            """;
        var e = Assert.Throws<ArgumentException>(() => TopologyFile.Parse(json, "t"));
        Assert.Contains("exactly one of", e.Message);
    }

    [Fact]
    public void Simulate_FibreScenario_FasterModelGivesMoreKeys()
    {
        double Generated(string model) => JsonDocument.Parse(CliHarness.Run("network", "simulate", "--topology", RepoFile("scenarios/network/fronthaul-fibre.json"),
            "--load", "100", "--horizon", "100", "--seeds", "1", "--key-rate-model", model, "--json").Stdout).RootElement.GetProperty("keysGenerated").GetDouble();
        Assert.True(Generated("decoy-infinite") >= Generated("decoy-vacuum-weak"));
    }
}
