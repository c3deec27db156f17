using System.Globalization;
using System.Text;
using Qkd.Network;

namespace Qkd.Cli.Commands.Network;

/// <summary>
/// The Markdown report of a sweep: the reading of "load" used, then each of seed 003's claims about
/// Figs. 4 and 5 checked against the simulated points, with the numbers that decide it.
/// </summary>
public static class SweepReport
{
    /// <summary>What the report needs besides the points.</summary>
    public sealed record Context(NetworkTopology Topology, NetworkSimulationSettings Settings, string Varied, int Seeds, ulong Seed, string CommandLine);

    public static string Markdown(IReadOnlyList<SweepPoint> points, Context context, IReadOnlyList<string> images)
    {
        var md = new StringBuilder();
        var s = context.Settings;
        var symbol = context.Varied == "capacity" ? "C" : "V";
        var values = points.Select(p => p.Value).Distinct().OrderBy(v => v).ToList();
        var loads = points.Select(p => p.Load).Distinct().OrderBy(l => l).ToList();
        var maxLoad = loads[^1];
        Line(md, $"# Network sweep: success rate against load, varying {symbol}");
        Line(md);
        Line(md, $"Reproduces seed 003 (Lv, Cheng, Song, \"Digital Twins Based on Quantum Networking\", IEEE Network 2022), Fig. {(context.Varied == "capacity" ? "4" : "5")}.");
        Line(md, $"Command: `qkd {context.CommandLine}`");
        Line(md);
        Line(md, "## Scenario and reading of \"load\"");
        Line(md);
        Line(md, $"- Topology `{context.Topology.Name}`: {context.Topology.Nodes.Length} nodes, {context.Topology.Links.Length} links (key pools); X = {s.KeysPerService:G4} keys per service on every hop.");
        Line(md, $"- {symbol} takes the values {string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}; loads {string.Join(", ", loads.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}.");
        Line(md, $"- **Load L** = expected number of service arrivals within the horizon T = {s.HorizonSeconds:G6} s (Poisson, rate L/T; L = {maxLoad:G6} is {maxLoad / s.HorizonSeconds:G4} services/s). Pools start {s.InitialFillFraction:P0} full. Rates are keys/s, so one paper \"time unit\" is read as 1 s.");
        Line(md, $"- {context.Seeds} independent seeds per point (from {context.Seed}); success rate = served / arrived, mean with 95 % Student-t CI. Every policy sees the same arrivals for a seed.");
        Line(md);
        Line(md, "## The paper's claims, checked");
        Line(md);
        foreach (var c in Claims(points))
        {
            Line(md, $"- **{(c.Holds ? "Holds" : "Does not hold")}**: {c.Claim}. {c.Evidence}");
        }
        var rho = points.Where(p => p.Load == maxLoad && !double.IsNaN(p.KeyFlowUtilisation)).Select(p => p.KeyFlowUtilisation).DefaultIfEmpty(double.NaN).Max();
        Line(md);
        Line(md, "## Key-flow check");
        Line(md);
        if (double.IsNaN(rho))
        {
            Line(md, "Not computed (traffic matrix too large to enumerate).");
        }
        else
        {
            Line(md, $"At L = {maxLoad:G6} the busiest key budget would need rho = {rho:F3} of its equipment time to serve every service on shortest paths "
                + $"(for the smallest {symbol} of the sweep). In steady state no policy can serve much more than 1/rho = {Math.Min(1, 1 / rho):F3} of the services "
                + "when blocking falls evenly; pool capacity only adds the initial stock and buffers fluctuations. A reading of \"load\" in which the paper's "
                + "success > 0.6 at L = 1000 holds must therefore make the offered key rate at L = 1000 at most about 1/0.6 = 1.67 times what the OLTs generate.");
        }
        Line(md);
        Line(md, "## Figures and data");
        Line(md);
        foreach (var image in images.Where(i => i.EndsWith(".png", StringComparison.Ordinal)))
        {
            Line(md, $"![{image}]({image})");
        }
        Line(md);
        Line(md, "| policy | " + symbol + " | load | success | 95 % CI | keys wasted (all seeds) | relays/service |");
        Line(md, "|---|---|---|---|---|---|---|");
        foreach (var p in points)
        {
            Line(md, $"| {p.Policy} | {p.Value:G6} | {p.Load:G6} | {p.SuccessRate:F4} | {p.SuccessRateCi95:F4} | {p.KeysWasted:F0} | {p.MeanRelayHops:F3} |");
        }
        return md.ToString();
    }

    /// <summary>One of seed 003's claims about Figs. 4/5, whether the points support it, and the numbers that decide it.</summary>
    /// <param name="Claim">The claim, paraphrased.</param>
    /// <param name="Holds">True when the points support it everywhere.</param>
    /// <param name="Evidence">The numbers that decide it.</param>
    /// <param name="HoldsForSomeValues">True when it fails overall but holds for some values of the varied parameter.</param>
    public sealed record SweepClaim(string Claim, bool Holds, string Evidence, bool HoldsForSomeValues = false);

    /// <summary>Checks seed 003's claims against the points of one sweep (one varied parameter).</summary>
    public static List<SweepClaim> Claims(IReadOnlyList<SweepPoint> points)
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
            $"{rises} of {steps} load steps rise beyond the CI.");
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
        var claim = maxLoad == 1000 ? "At load 1000 Adaptive Key Residue keeps success above 0.6" : $"At the highest load ({maxLoad:G6}) Adaptive Key Residue keeps success above 0.6";
        md.Add(new SweepClaim(claim, min > 0.6, $"success at L = {maxLoad:G6} is {min:F3} to {max:F3} across the swept values{(max > 0.6 && min <= 0.6 ? " (holds only for some values)" : "")}.",
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
                $"of {pairs} neighbouring pairs, {rises} rise and {falls} fall beyond the CI; the rest are equal within the CI"
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
                $"mean success over loads gains {gainLow:+0.0000;-0.0000} from C = 600 to 800 and {gainHigh:+0.0000;-0.0000} from 800 to 1000.");
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
            Verdict(md, claim, worse == 0, $"worse beyond the CI at {worse} of {count} points; mean difference {gain / count:+0.0000;-0.0000} in success rate.");
        }
    }

    private static IEnumerable<List<SweepPoint>> Curves(IReadOnlyList<SweepPoint> points)
        => points.GroupBy(p => (p.Policy, p.Value)).Select(g => g.OrderBy(p => p.Load).ToList());

    private static void Verdict(List<SweepClaim> claims, string claim, bool holds, string evidence)
        => claims.Add(new SweepClaim(claim, holds, evidence));

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
