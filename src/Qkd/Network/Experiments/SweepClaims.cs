using System.Globalization;

namespace Qkd.Network;

/// <summary>
/// Seed 003's claims about its Figs. 4 and 5 (Lv, Cheng, Song, "Digital Twins Based on Quantum Networking",
/// IEEE Network 2022) checked against the points of a <see cref="NetworkSweep"/>. Differences count only
/// beyond the sum of the two points' 95 % CI half-widths: success decreases with load; Adaptive Key Residue
/// keeps success above 0.6 at the highest load; success grows with the varied parameter; the gain from C
/// diminishes above 800 (when 600, 800 and 1000 are swept); adaptive-residue is never worse than the fixed
/// split, and adaptive-routing never worse than adaptive-residue.
/// </summary>
public static class SweepClaims
{
    /// <summary>Checks seed 003's claims against the points of one sweep (one varied parameter), in a fixed order.</summary>
    public static List<SweepClaim> Evaluate(IReadOnlyList<SweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var claims = new List<SweepClaim>();
        var varied = points[0].Varied;
        var symbol = varied == "capacity" ? "C" : "V";
        var values = points.Select(p => p.Value).Distinct().OrderBy(v => v).ToList();
        var maxLoad = points.Max(p => p.Load);
        ClaimDecreasing(claims, points);
        ClaimAtMaxLoad(claims, points, maxLoad);
        ClaimGrowsWith(claims, points, symbol, values);
        if (varied == "capacity" && values.Contains(600) && values.Contains(800) && values.Contains(1000))
        {
            ClaimDiminishing(claims, points);
        }
        ClaimNotWorse(claims, points, "adaptive-residue", "fixed", "Adaptive Key Residue is never worse than the fixed split (beyond statistical error)");
        ClaimNotWorse(claims, points, "adaptive-routing", "adaptive-residue", "Our adaptive-routing (water-filling + k-shortest key-aware paths) is never worse than Adaptive Key Residue");
        return claims;
    }

    private static void ClaimDecreasing(List<SweepClaim> md, IReadOnlyList<SweepPoint> points)
    {
        var rises = 0;
        var steps = 0;
        foreach (var curve in Curves(points))
        {
            for (var i = 1; i < curve.Count; i++)
            {
                steps++;
                if (curve[i].SuccessRate > curve[i - 1].SuccessRate + curve[i].SuccessRateCi95 + curve[i - 1].SuccessRateCi95)
                {
                    rises++;
                }
            }
        }
        Verdict(md, "Success decreases as the load increases", rises == 0,
            F($"{rises} of {steps} load steps rise beyond the CI."));
    }

    private static void ClaimAtMaxLoad(List<SweepClaim> md, IReadOnlyList<SweepPoint> points, double maxLoad)
    {
        var at = points.Where(p => p.Policy == "adaptive-residue" && p.Load == maxLoad).ToList();
        if (at.Count == 0)
        {
            return;
        }
        var min = at.Min(p => p.SuccessRate);
        var max = at.Max(p => p.SuccessRate);
        var claim = maxLoad == 1000 ? "At load 1000 Adaptive Key Residue keeps success above 0.6" : F($"At the highest load ({maxLoad:G6}) Adaptive Key Residue keeps success above 0.6");
        md.Add(new SweepClaim(claim, min > 0.6, F($"success at L = {maxLoad:G6} is {min:F3} to {max:F3} across the swept values{(max > 0.6 && min <= 0.6 ? " (holds only for some values)" : "")}."),
            max > 0.6 && min <= 0.6));
    }

    private static void ClaimGrowsWith(List<SweepClaim> md, IReadOnlyList<SweepPoint> points, string symbol, List<double> values)
    {
        foreach (var policy in points.Select(p => p.Policy).Distinct())
        {
            int falls = 0, rises = 0, pairs = 0;
            foreach (var load in points.Select(p => p.Load).Distinct())
            {
                var row = values.Select(v => points.FirstOrDefault(p => p.Policy == policy && p.Load == load && p.Value == v)).Where(p => p is not null).ToList();
                for (var i = 1; i < row.Count; i++)
                {
                    pairs++;
                    var margin = row[i]!.SuccessRateCi95 + row[i - 1]!.SuccessRateCi95;
                    if (row[i]!.SuccessRate < row[i - 1]!.SuccessRate - margin)
                    {
                        falls++;
                    }
                    else if (row[i]!.SuccessRate > row[i - 1]!.SuccessRate + margin)
                    {
                        rises++;
                    }
                }
            }
            var holds = falls == 0 && rises > 0;
            Verdict(md, $"Success grows with {symbol} at the same load ({policy})", holds,
                F($"of {pairs} neighbouring pairs, {rises} rise and {falls} fall beyond the CI; the rest are equal within the CI")
                + (rises == 0 && falls == 0 ? $" ({symbol} has no visible effect in this reading)." : "."));
        }
    }

    private static void ClaimDiminishing(List<SweepClaim> md, IReadOnlyList<SweepPoint> points)
    {
        foreach (var policy in points.Select(p => p.Policy).Distinct())
        {
            double Mean(double c) => points.Where(p => p.Policy == policy && p.Value == c).Average(p => p.SuccessRate);
            var gainLow = Mean(800) - Mean(600);
            var gainHigh = Mean(1000) - Mean(800);
            Verdict(md, $"The gain from C diminishes above 800 ({policy})", gainHigh < gainLow && gainLow > 0,
                F($"mean success over loads gains {gainLow:+0.0000;-0.0000} from C = 600 to 800 and {gainHigh:+0.0000;-0.0000} from 800 to 1000."));
        }
    }

    private static void ClaimNotWorse(List<SweepClaim> md, IReadOnlyList<SweepPoint> points, string better, string baseline, string claim)
    {
        var worse = 0;
        var count = 0;
        var gain = 0.0;
        foreach (var b in points.Where(p => p.Policy == baseline))
        {
            var a = points.FirstOrDefault(p => p.Policy == better && p.Load == b.Load && p.Value == b.Value);
            if (a is null)
            {
                continue;
            }
            count++;
            gain += a.SuccessRate - b.SuccessRate;
            if (a.SuccessRate < b.SuccessRate - a.SuccessRateCi95 - b.SuccessRateCi95)
            {
                worse++;
            }
        }
        if (count > 0)
        {
            Verdict(md, claim, worse == 0, F($"worse beyond the CI at {worse} of {count} points; mean difference {gain / count:+0.0000;-0.0000} in success rate."));
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<List<SweepPoint>> Curves(IReadOnlyList<SweepPoint> points)
        => points.GroupBy(p => (p.Policy, p.Value)).Select(g => g.OrderBy(p => p.Load).ToList());

    private static void Verdict(List<SweepClaim> claims, string claim, bool holds, string evidence)
        => claims.Add(new SweepClaim(claim, holds, evidence));
}
