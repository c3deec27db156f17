using Qkd.Testbed.Link;
using Qkd.Testbed.Observation;

namespace Qkd.Testbed.Tests;

/// <summary>The monitor: increments per reader, the alarm, and when Eve counts as detected.</summary>
public sealed class TestbedMonitorTests
{
    internal static TestbedDescription Description(EavesdropperSummary? eve = null)
        => new("bb84", "turin", 12.7, 120, 20, "per-device", 1, 2, ["LINK_A_B"], 60, eve);

    internal static LinkSecond Slice(double run, bool alarm, bool eve = false)
        => new("LINK_A_B", run * 20, run, 600_000_000, 11_000, 2_500, 2_500, 0.015, 0.02, alarm ? 0.25 : 0.015, 0.05, 3e-5, eve, alarm);

    internal static BlockRecord Block(long index, double run, string outcome, double eveShare) => new("LINK_A_B", index, index * 120, (index + 1) * 120, run,
        300_000, 0.015, 3e-5, 0.05, 35_000, 75_000, 50_000, outcome == BlockRecord.Delivered ? 25_000 : 0, outcome,
        outcome == BlockRecord.Delivered ? null : "QBER 25.0 % above the abort threshold", eveShare, "decoy-one-finite", 552);

    [Fact]
    public void Since_ReturnsOnlyWhatIsNew_ForEachCursor()
    {
        var m = new TestbedMonitor(Description());
        m.OnSlice(Slice(1, false));
        m.OnBlock(Block(0, 6, BlockRecord.Delivered, 0));
        var (first, cursor) = m.Since(TestbedCursor.Start);
        Assert.Single(first.Slices);
        Assert.Single(first.Blocks);

        m.OnSlice(Slice(2, false));
        m.AddPool(new PoolSample(2, "KME_A", 16));
        var (second, _) = m.Since(cursor);
        Assert.Equal(2, second.Slices.Single().RunSeconds);
        Assert.Empty(second.Blocks);
        Assert.Equal(16, second.Pools.Single().StoredKeys);
    }

    [Fact]
    public void Alarm_WhileEveIsOn_CountsAsDetection_AndClearsWithTheNextQuietSlice()
    {
        var m = new TestbedMonitor(Description(new EavesdropperSummary("intercept-resend", 1, 10, 20, "LINK_A_B")));
        m.OnSlice(Slice(5, alarm: false));
        Assert.Null(m.DetectedAtRunSeconds);
        m.OnSlice(Slice(10.5, alarm: true, eve: true));
        Assert.True(m.Alarm);
        Assert.Equal(10.5, m.DetectedAtRunSeconds);
        m.OnSlice(Slice(21, alarm: false));
        Assert.False(m.Alarm);
        Assert.Equal(10.5, m.DetectedAtRunSeconds);
    }

    [Fact]
    public void RejectedBlockWithoutEve_IsNotADetection_ButOneSheTouchedIs()
    {
        var m = new TestbedMonitor(Description(new EavesdropperSummary("pns", 1, 10, null, "LINK_A_B")));
        m.OnBlock(Block(0, 6, BlockRecord.Rejected, 0));
        Assert.Null(m.DetectedAtRunSeconds);
        m.OnBlock(Block(1, 12, BlockRecord.Rejected, 0.5));
        Assert.Equal(12, m.DetectedAtRunSeconds);
        Assert.True(m.EveOnAt(100));
        Assert.False(m.EveOnAt(9.9));
    }

    [Fact]
    public void RateStatistics_WithoutModelSpread_BandsTheMeanByThreeStandardErrors()
    {
        var blocks = new[] { Block(0, 6, BlockRecord.Delivered, 0), Block(1, 12, BlockRecord.Delivered, 0) with { SecretBits = 35_000 } };
        var r = RateStatistics.Of(blocks);
        Assert.Equal(60_000 / 240.0, r.NetBps, 9);
        Assert.Equal(150_000 / 240.0, r.GrossBps, 9);
        Assert.Equal(552, r.AnalyticBps);
        // rates 208.33 and 291.67: mean 250, s = 58.93, half-width 3 s / sqrt(2) = 125
        Assert.Equal(125, r.Band!.Value.High - 250, 6);
        Assert.Null(RateStatistics.Of([blocks[0]]).Band);
    }

    [Fact]
    public void RateStatistics_WithModelSpread_BandsTheModelByThreeSigmaOfThePooledRate()
    {
        // Two 120-s blocks, each with a rate sigma of 40 bit/s from its counts: sigma of the pooled rate
        // sqrt((40*120)^2 * 2) / 240 = 28.28 bit/s, band 552 +- 84.85; the measured 250 bit/s lies outside.
        var blocks = new[]
        {
            Block(0, 6, BlockRecord.Delivered, 0) with { AnalyticStandardDeviationBps = 40 },
            Block(1, 12, BlockRecord.Delivered, 0) with { AnalyticStandardDeviationBps = 40 },
        };
        var r = RateStatistics.Of(blocks);
        var half = 3 * 40 * Math.Sqrt(2) / 2;
        Assert.Equal(552 - half, r.Band!.Value.Low, 9);
        Assert.Equal(552 + half, r.Band!.Value.High, 9);
        Assert.False(r.Agree);
        // One block is enough: its counts give the spread.
        var one = RateStatistics.Of([blocks[0] with { SecretBits = 552 * 120 }]);
        Assert.Equal(552 + 3 * 40, one.Band!.Value.High, 9);
        Assert.True(one.Agree);
    }
}
