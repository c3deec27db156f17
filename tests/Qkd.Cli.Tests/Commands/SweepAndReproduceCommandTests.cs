using System.Text.Json;
using Qkd.Cli.Plotting;

namespace Qkd.Cli.Tests.Commands;

public sealed class SweepAndReproduceCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qkd-sweep-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Sweep_WritesCsvAndBothPlotsInBothFormats_OneCurvePerValue()
    {
        var r = CliHarness.Run("sweep", "--model", "decoy-vacuum-weak", "--preset", "gys", "--distance-km", "0:150:5",
            "--vary", "detector-efficiency=0.045,0.1", "--out", _dir, "--json");
        Assert.Equal(0, r.ExitCode);
        foreach (var f in new[] { "sweep.csv", "sweep-keyrate.png", "sweep-keyrate.svg", "sweep-qber.png", "sweep-qber.svg" })
        {
            Assert.True(new FileInfo(Path.Combine(_dir, f)).Length > 1000, f);
        }
        var csv = File.ReadAllLines(Path.Combine(_dir, "sweep.csv"));
        Assert.Equal(1 + 2 * 31, csv.Length);
        using var d = JsonDocument.Parse(r.Stdout);
        Assert.Equal(2, d.RootElement.GetProperty("curves").GetArrayLength());
        Assert.Contains("Fibre length (km)", File.ReadAllText(Path.Combine(_dir, "sweep-keyrate.svg")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--distance-km", "0:200")]
    [InlineData("--distance-km", "-5:200:1")]
    [InlineData("--distance-km", "0:200:0")]
    [InlineData("--vary", "colour=1,2")]
    [InlineData("--vary", "detector-efficiency=0.1,1.5")]
    [InlineData("--vary", "dark-count-per-pulse=NaN")]
    public void Sweep_BadArguments_Exit2_AndWriteNothing(string flag, string value)
    {
        var r = CliHarness.Run("sweep", "--model", "gllp", flag, value, "--out", _dir);
        Assert.Equal(2, r.ExitCode);
        Assert.False(Directory.Exists(_dir) && Directory.EnumerateFiles(_dir).Any(), "no file may be written on a usage error");
        Assert.Contains(flag.TrimStart('-').Split('-')[0], r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Reproduce_Seed002_WritesReportWithVerdicts()
    {
        var r = CliHarness.Run("reproduce", "seed-002", "--out", _dir);
        Assert.Equal(0, r.ExitCode);
        var report = File.ReadAllText(Path.Combine(_dir, "report.md"));
        Assert.Contains("1.3 kbit/s", report, StringComparison.Ordinal);
        Assert.Contains("seed-002-turin-distance-keyrate.png", report, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "seed-002-turin-distance-keyrate.png")));
    }

    [Fact]
    public void Reproduce_All_FlagsTheTwoContraryClaims()
    {
        var r = CliHarness.Run("reproduce", "all", "--out", _dir, "--json");
        Assert.Equal(0, r.ExitCode);
        var report = File.ReadAllText(Path.Combine(_dir, "report.md"));
        Assert.Contains("More dark count per pulse lowers the QBER", report, StringComparison.Ordinal);
        Assert.Contains("Higher detection efficiency raises the QBER", report, StringComparison.Ordinal);
        Assert.Contains("## seed-003:", report, StringComparison.Ordinal);
        using var d = JsonDocument.Parse(r.Stdout);
        var contradictions = d.RootElement.GetProperty("seeds").EnumerateArray()
            .SelectMany(s => s.GetProperty("claims").EnumerateArray())
            .Count(c => c.GetProperty("verdict").GetString() == "contradicts");
        Assert.True(contradictions >= 2);
    }

    [Fact]
    public void Reproduce_UnknownSeed_Exits2()
        => Assert.Equal(2, CliHarness.Run("reproduce", "seed-009", "--out", _dir).ExitCode);

    [Fact]
    public void Reproduce_UnknownSeed_MessageAndHelp_ListSeed003()
    {
        var bad = CliHarness.Run("reproduce", "seed-009", "--out", _dir);
        Assert.Contains("seed-003", bad.Stderr + bad.Stdout, StringComparison.Ordinal);
        var help = CliHarness.Run("reproduce", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("seed-003", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Reproduce_Seed003_WritesBothFiguresUnderBothReadings_AndAClaimSection()
    {
        var r = CliHarness.Run("reproduce", "seed-003", "--out", _dir, "--json");
        Assert.Equal(0, r.ExitCode);
        foreach (var stem in new[] { "seed-003-fig4-capacity-empty", "seed-003-fig4-capacity-full", "seed-003-fig5-olt-rate-empty", "seed-003-fig5-olt-rate-full" })
        {
            foreach (var ext in new[] { ".png", ".svg", "-adaptive-residue.png" })
            {
                Assert.True(new FileInfo(Path.Combine(_dir, stem + ext)).Length > 1000, stem + ext);
            }
            var csv = File.ReadAllLines(Path.Combine(_dir, stem + ".csv"));
            var values = stem.Contains("fig4", StringComparison.Ordinal) ? 5 : 6;
            Assert.Equal(1 + values * 3 * 10, csv.Length);
        }
        var report = File.ReadAllText(Path.Combine(_dir, "report.md"));
        Assert.Contains("## seed-003:", report, StringComparison.Ordinal);
        Assert.Contains("![seed-003-fig4-capacity-empty](seed-003-fig4-capacity-empty.png)", report, StringComparison.Ordinal);
        Assert.Contains("| Fig. 4 | At load 1000 Adaptive Key Residue keeps success above 0.6. | **contradicted by the simulation** |", report, StringComparison.Ordinal);
        using var d = JsonDocument.Parse(r.Stdout);
        var seed = d.RootElement.GetProperty("seeds")[0];
        Assert.Equal("seed-003", seed.GetProperty("seed").GetString());
        var claims = seed.GetProperty("claims").EnumerateArray().ToList();
        var fig4 = claims.Single(c => c.GetProperty("where").GetString() == "Fig. 4" && c.GetProperty("claim").GetString()!.Contains("above 0.6", StringComparison.Ordinal));
        Assert.Equal("contradicts", fig4.GetProperty("verdict").GetString());
        Assert.Contains("1/rho = 0.21", fig4.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains(claims, c => c.GetProperty("claim").GetString()!.StartsWith("Success grows with V", StringComparison.Ordinal)
            && c.GetProperty("verdict").GetString() == "agrees");
        Assert.Equal(4 * (1 + 2 * 4), seed.GetProperty("figures").GetArrayLength());
    }

    [Fact]
    public void LinePlot_LogScale_DropsNonPositivePoints_AndWritesImages()
    {
        var s = new PlotSeries("a", [0, 1, 2, 3], [100, 10, 0, -1]);
        var (x, y) = LinePlot.Points(s, logY: true);
        Assert.Equal(new double[] { 0, 1 }, x);
        Assert.Equal(new double[] { 2, 1 }, y);
        Directory.CreateDirectory(_dir);
        LinePlot.Save(Path.Combine(_dir, "p"), "t", "x (km)", "y (bit/s)", [s], logY: true);
        Assert.True(File.Exists(Path.Combine(_dir, "p.png")) && File.Exists(Path.Combine(_dir, "p.svg")));
        Assert.Equal("1e-3", LinePlot.FormatPowerOfTen(-3));
        Assert.Equal("100", LinePlot.FormatPowerOfTen(2));
    }
}

public class SweepFiguresTests
{
    [Fact]
    public void Csv_HasOneRowPerCurveAndDistance_InInvariantCulture()
    {
        var model = new Qkd.KeyRate.Decoy.DecoyInfiniteModel();
        var curves = Qkd.KeyRate.Analysis.KeyRateSweep.Vary(model, Qkd.Physics.LinkPresets.Gys(0), Qkd.KeyRate.Analysis.KeyRateSweep.Distances(0, 20, 10), null,
            "misalignment", [0.01, 0.033]);
        var lines = SweepFigures.Csv(curves).TrimEnd().Split('\n');
        Assert.Equal(1 + 2 * 3, lines.Length);
        Assert.StartsWith("curve,model,parameter,value,distanceKm", lines[0], StringComparison.Ordinal);
        Assert.Contains(",decoy-infinite,misalignment,0.01,0,", lines[1], StringComparison.Ordinal);
        Assert.Contains("misalignment = 0.033", lines[4], StringComparison.Ordinal);
    }
}
