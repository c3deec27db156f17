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
        foreach (var c in SweepClaims.Evaluate(points))
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

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
