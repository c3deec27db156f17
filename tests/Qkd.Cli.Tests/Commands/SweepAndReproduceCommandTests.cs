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
        var model = new Qkd.KeyRate.DecoyInfiniteModel();
        var curves = Qkd.KeyRate.KeyRateSweep.Vary(model, Qkd.Physics.LinkPresets.Gys(0), Qkd.KeyRate.KeyRateSweep.Distances(0, 20, 10), null,
            "misalignment", [0.01, 0.033]);
        var lines = SweepFigures.Csv(curves).TrimEnd().Split('\n');
        Assert.Equal(1 + 2 * 3, lines.Length);
        Assert.StartsWith("curve,model,parameter,value,distanceKm", lines[0], StringComparison.Ordinal);
        Assert.Contains(",decoy-infinite,misalignment,0.01,0,", lines[1], StringComparison.Ordinal);
        Assert.Contains("misalignment = 0.033", lines[4], StringComparison.Ordinal);
    }
}
