using Qkd.Network;

namespace Qkd.Tests.Network;

public class ConfidenceIntervalTests
{
    [Fact]
    public void Of_FiveSamples_UsesStudentT4()
    {
        // s = sqrt(2.5) = 1.5811; t_{0.975,4} = 2.776 (NIST/SEMATECH table); half-width = 2.776 * 1.5811 / sqrt(5).
        var ci = ConfidenceInterval.Of([1, 2, 3, 4, 5]);
        Assert.Equal(3, ci.Mean, 12);
        Assert.Equal(2.776 * Math.Sqrt(2.5) / Math.Sqrt(5), ci.HalfWidth95, 12);
    }

    [Fact]
    public void Of_OneSample_HasZeroWidth() => Assert.Equal(0, ConfidenceInterval.Of([0.7]).HalfWidth95);

    [Fact]
    public void Of_Empty_Throws() => Assert.Throws<ArgumentException>(() => ConfidenceInterval.Of([]));
}
