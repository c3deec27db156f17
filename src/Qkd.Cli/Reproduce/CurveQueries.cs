using Qkd.KeyRate.Analysis;

namespace Qkd.Cli.Reproduce;

/// <summary>Reading values off computed sweep curves for the claim checks (no physics here).</summary>
internal static class CurveQueries
{
    /// <summary>The sample closest to <paramref name="km"/>.</summary>
    public static KeyRateSample At(SweepCurve curve, double km)
    {
        var best = curve.Samples[0];
        foreach (var s in curve.Samples)
        {
            if (Math.Abs(s.DistanceKm - km) < Math.Abs(best.DistanceKm - km))
            {
                best = s;
            }
        }
        return best;
    }

    /// <summary>
    /// True when, at every distance, the curves' values are ordered like their parameter values
    /// (ascending when <paramref name="increasing"/>), ignoring distances where all values are equal within 1e-12 relative.
    /// Samples beyond every curve's cut-off (all zero) do not count.
    /// </summary>
    public static bool Ordered(IReadOnlyList<SweepCurve> curves, Func<KeyRateSample, double> value, bool increasing)
    {
        for (var i = 0; i < curves[0].Samples.Length; i++)
        {
            for (var c = 1; c < curves.Count; c++)
            {
                var a = value(curves[c - 1].Samples[i]);
                var b = value(curves[c].Samples[i]);
                if (a == 0 && b == 0)
                {
                    continue;
                }
                var ok = increasing ? b >= a * (1 - 1e-12) : b <= a * (1 + 1e-12);
                if (!ok)
                {
                    return false;
                }
            }
        }
        return true;
    }
}
