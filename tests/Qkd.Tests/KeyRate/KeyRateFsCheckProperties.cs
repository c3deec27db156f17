using FsCheck;
using FsCheck.Xunit;
using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.Physics;

namespace Qkd.Tests.KeyRate;

/// <summary>FsCheck properties of the channel model and the models (inputs mapped from generated integers onto physical ranges).</summary>
public class KeyRateFsCheckProperties
{
    private static double Unit(int x) => (x & 0xFFFF) / 65535.0;

    [Property(MaxTest = 300)]
    public bool Qber_IsAProbabilityBetweenMisalignmentAndOneHalf(int a, int b, int c, int d)
    {
        var eta = Math.Pow(10, -9 * Unit(a));
        var mu = 0.001 + 2 * Unit(b);
        var ed = 0.5 * Unit(c);
        var y0 = Math.Pow(10, -10 + 8 * Unit(d));
        var e = ChannelStatistics.Qber(mu, eta, y0, ed);
        return e >= Math.Min(ed, 0.5) - 1e-12 && e <= 0.5 + 1e-12;
    }

    [Property(MaxTest = 300)]
    public bool MoreDarkCount_NeverLowersQber(int a, int b, int c, int d, PositiveInt factor)
    {
        var eta = Math.Pow(10, -9 * Unit(a));
        var mu = 0.001 + 2 * Unit(b);
        var ed = 0.5 * Unit(c);
        var y0 = Math.Pow(10, -10 + 7 * Unit(d));
        var more = y0 * (1 + factor.Get % 1000);
        return ChannelStatistics.Qber(mu, eta, more, ed) >= ChannelStatistics.Qber(mu, eta, y0, ed) - 1e-15;
    }

    [Property(MaxTest = 60)]
    public bool KeyRate_NeverRisesWithDistance_AnyModel(int modelIndex, int a, int b, NonNegativeInt km)
    {
        var model = KeyRateModels.Get(KeyRateModels.Names[Math.Abs(modelIndex % KeyRateModels.Names.Length)]);
        var link = LinkPresets.Gys(0).WithDetector(new Detector(0.02 + 0.5 * Unit(a), Math.Pow(10, -8 + 3 * Unit(b)), 0.02));
        var d = km.Get % 200;
        var near = KeyRateAnalysis.Point(model, link.WithFiberLength(d), null).KeyRatePerPulse;
        var far = KeyRateAnalysis.Point(model, link.WithFiberLength(d + 5), null).KeyRatePerPulse;
        return far <= near * (1 + 1e-9);
    }

    [Property(MaxTest = 100)]
    public bool Transmittance_MultipliesOverConcatenatedSpans(NonNegativeInt a, NonNegativeInt b, int alpha)
    {
        var att = 0.15 + 0.2 * Unit(alpha);
        var l1 = a.Get % 300;
        var l2 = b.Get % 300;
        var product = new Fiber(l1, att).Transmittance * new Fiber(l2, att).Transmittance;
        var whole = new Fiber(l1 + l2, att).Transmittance;
        return Math.Abs(product - whole) <= 1e-12 * Math.Max(whole, 1e-300) + 1e-300;
    }
}
