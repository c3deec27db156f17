using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Qkd.Cli.Commands.Network;
using Qkd.Network;

namespace Qkd.Cli.Reproduce;

/// <summary>
/// Seed 003's Figs. 4 and 5 (success rate of service distribution against load on the 9-node metro
/// network) regenerated with the same sweep, plots and claim checks as `qkd network sweep`, under both
/// readings of "load" that docs/network.md discusses (pools start empty / full), on the grid of docs/network.md
/// section 4 (loads 100..1000, 10 seeds); the four sweeps take about 2-3 s on 2 cores.
/// </summary>
internal static class Seed003Reproduction
{
    /// <summary>Independent runs per point (the network command's default is 10).</summary>
    public const int SeedCount = 10;

    /// <summary>First simulation seed (the network command's default).</summary>
    public const ulong BaseSeed = 1;

    /// <summary>Loads L = 100, 200, ..., 1000 services per horizon T = 1000 s (the paper's axis).</summary>
    public static ImmutableArray<double> Loads { get; } = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];

    private const double KeysPerService = 10;

    private static readonly (string Name, double Fill, string Label)[] Readings =
        [("empty", 0, "reading A, pools start empty"), ("full", 1, "reading B, pools start full")];

    private static readonly (string Fig, string Parameter, double[] Values, string Caption)[] Figures =
        [("fig4", "capacity", [200, 400, 600, 800, 1000], "Fig. 4: C = 200..1000 keys, V = 2 keys/s, X = 10 keys"),
         ("fig5", "olt-rate", [1, 2, 3, 4, 5, 6], "Fig. 5: V = 1..6 keys/s, C = 200 keys, X = 10 keys")];

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public static SeedReport Run(string dir, IProgress<double>? progress)
    {
        const string seed = "seed-003";
        var claims = ImmutableArray.CreateBuilder<ClaimCheck>();
        var files = new List<string>();
        var body = new StringBuilder();
        var done = 0;
        foreach (var (fig, parameter, values, caption) in Figures)
        {
            var byReading = new List<List<SweepClaim>>();
            var rhoAtMax = new List<double>();
            foreach (var (name, fill, label) in Readings)
            {
                var sweep = NetworkSweep.Run(parameter, values, NetworkPolicies.All, Loads,
                    v => parameter == "capacity"
                        ? StandardTopologies.Metro3(v, NetworkOptions.DefaultOltRate)
                        : StandardTopologies.Metro3(NetworkOptions.DefaultCapacity, v),
                    (policy, load) => NetworkOptions.Settings(policy, load, KeysPerService, initialFill: fill),
                    SeedCount, BaseSeed);
                var stem = $"{seed}-{fig}-{parameter}-{name}";
                File.WriteAllText(Path.Combine(dir, stem + ".csv"), SweepCsv.Write(sweep.Points));
                var images = SweepPlots.Write(sweep.Points, dir, stem, KeysPerService, $"seed 003 {(fig == "fig4" ? "Fig. 4" : "Fig. 5")}, {label}");
                files.Add(stem + ".csv");
                files.AddRange(images);
                byReading.Add(SweepClaims.Evaluate(sweep.Points));
                rhoAtMax.Add(sweep.Points.Where(p => p.Load == Loads[^1]).Max(p => p.KeyFlowUtilisation));
                body.Append(CultureInfo.InvariantCulture, $"### Seed 003 {caption} ({label})\n\n");
                body.Append(CultureInfo.InvariantCulture, $"![{stem}]({stem}.png)\n\n");
                body.Append(CultureInfo.InvariantCulture, $"Data: [{stem}.csv]({stem}.csv); vector: [{stem}.svg]({stem}.svg); one panel per policy: ");
                body.Append(string.Join(", ", images.Where(i => i.EndsWith(".png", StringComparison.Ordinal) && i != stem + ".png").Select(i => $"[{i}]({i})")));
                body.Append(".\n\n");
                progress?.Report(++done / (double)(Figures.Length * Readings.Length));
            }
            var where = fig == "fig4" ? "Fig. 4" : "Fig. 5";
            for (var i = 0; i < byReading[0].Count; i++)
            {
                var a = byReading[0][i];
                var b = byReading[1].Single(c => c.Claim == a.Claim);
                var verdict = a.Holds && b.Holds ? ClaimVerdict.Agrees
                    : a.Holds || b.Holds || a.HoldsForSomeValues || b.HoldsForSomeValues ? ClaimVerdict.PartlyAgrees : ClaimVerdict.Contradicts;
                var evidence = F($"Reading A (pools start empty): {(a.Holds ? "holds" : "does not hold")}, {a.Evidence} Reading B (pools start full): {(b.Holds ? "holds" : "does not hold")}, {b.Evidence}");
                if (a.Claim.Contains("above 0.6", StringComparison.Ordinal))
                {
                    var rho = rhoAtMax[0];
                    evidence += F($" Why: at L = {Loads[^1]:G6} (one service per second) the busiest OLT budget would need rho = {rho:F2} of its key generation to serve every service on shortest paths (for the smallest {(parameter == "capacity" ? "C" : "V")} swept), so in steady state no policy serves much more than 1/rho = {Math.Min(1, 1 / rho):F2}; a full pool only adds its initial stock (at most 9 C keys). Success above 0.6 needs rho <= 1.67, i.e. V of about 6 keys/s or a time unit about 2.8 times longer than 1 s; the paper states neither.");
                }
                claims.Add(new ClaimCheck(seed, where, a.Claim + ".", verdict, evidence));
            }
        }
        return new SeedReport(seed, "Lv, Cheng, Song, Digital Twins Based on Quantum Networking, IEEE Network 2022 (seed 003)",
            F($"Network simulator of docs/network.md: the 9-node metro network (metro3), X = {KeysPerService:G3} keys per service on every hop, load L = expected service arrivals within T = 1000 s (Poisson; one paper time unit read as 1 s). ")
            + "The paper gives no time unit or initial state, so every claim is checked under reading A (pools start empty) and reading B (pools start full): "
            + "agrees = holds under both, partly = under one (or only for some values of C or V), contradicts = under neither. "
            + F($"Policies: fixed split, Adaptive Key Residue (the paper's Algorithm 1), adaptive-routing (ours). Loads {string.Join(", ", Loads)}, {SeedCount} seeds per point from seed {BaseSeed}, 95 % CI error bars; ")
            + "the same points as `qkd network sweep` in docs/network.md section 4.",
            [], claims.ToImmutable(), body.ToString(), [.. files]);
    }
}
