using Qkd.Bits;

namespace Qkd.Tests.Bits;

public class SimRandomTests
{
    [Fact]
    public void SameSeed_GivesSameSequence()
    {
        var a = new SimRandom(123);
        var b = new SimRandom(123);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void Streams_AreDistinct()
    {
        var a = SimRandom.ForStream(5, 0);
        var b = SimRandom.ForStream(5, 1);
        Assert.NotEqual(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void Geometric_MeanMatchesTheory()
    {
        // Mean failures before success is (1-p)/p; 4-sigma bound on the sample mean.
        var r = new SimRandom(9);
        const double p = 0.01;
        const int n = 200_000;
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            sum += r.Geometric(p);
        }
        var mean = (1 - p) / p;
        var sd = Math.Sqrt((1 - p) / (p * p) / n);
        Assert.InRange(sum / n, mean - 4 * sd, mean + 4 * sd);
    }

    [Fact]
    public void Poisson_MeanMatchesTheory()
    {
        var r = new SimRandom(10);
        const double mu = 0.5;
        const int n = 200_000;
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            sum += r.Poisson(mu);
        }
        var sd = Math.Sqrt(mu / n);
        Assert.InRange(sum / n, mu - 4 * sd, mu + 4 * sd);
    }

    [Fact]
    public void NextBelow_StaysBelowBound()
    {
        var r = new SimRandom(11);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(r.NextBelow(7) < 7);
        }
    }
}
