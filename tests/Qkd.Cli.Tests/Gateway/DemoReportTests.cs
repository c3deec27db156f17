using Qkd.Cli.Commands.Gateway;
using Qkd.Gateway.Edge;

namespace Qkd.Cli.Tests.Gateway;

/// <summary>The demo's plot series and percentiles.</summary>
public sealed class DemoReportTests
{
    [Fact]
    public void SignalSeries_OneLinePerDevice_TimeFromTheFirstSampleInSeconds()
    {
        var id = Guid.NewGuid();
        var rows = new List<EdgeStore.Row>
        {
            new("pac4200-1", 0, 1_000_000, 1_000_500, 230, 1.0f, 200, id),
            new("pac4200-1", 1, 1_100_000, 1_100_500, 230, 2.0f, 400, id),
            new("pac4200-2", 0, 1_050_000, 1_050_500, 230, 3.0f, 600, id),
        };
        var series = DemoReport.SignalSeries(rows);
        Assert.Equal(["pac4200-1", "pac4200-2"], series.Select(s => s.Label));
        Assert.Equal([0.0, 0.1], series[0].X.Select(x => Math.Round(x, 6)));
        Assert.Equal([1.0, 2.0], series[0].Y);
        Assert.Equal([0.05], series[1].X.Select(x => Math.Round(x, 6)));
    }

    [Fact]
    public void Percentile_IsNearestRank()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, Qkd.Testbed.Testbed.Percentile(sorted, 0.5));
        Assert.Equal(10, Qkd.Testbed.Testbed.Percentile(sorted, 0.99));
        Assert.Equal(0, Qkd.Testbed.Testbed.Percentile([], 0.5));
    }
}
