using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Qkd.Network;

namespace Qkd.Cli.Commands.Network;

/// <summary>`qkd network simulate`: one configuration over several seeds, success rate with its 95 % CI.</summary>
public static class NetworkSimulateCommand
{
    public static Command Create()
    {
        var options = new NetworkOptions();
        var policy = CliOptions.Choice("--policy", "Allocation and routing policy (default adaptive-residue)", [.. NetworkPolicies.Names]);
        var load = CliOptions.Double("--load", "Offered load L: expected service arrivals within the horizon (default 500)", 0, 1e9, "services");
        var samples = CliOptions.Long("--samples", "Per-pool level samples over the horizon written to --out (default 0)", 0, 10_000);
        var output = new Option<string?>("--out") { Description = "Directory for pools.csv (and utilisation.csv with --samples)" };
        var cmd = new Command("simulate", "Simulate one key network configuration over --seeds independent seeds");
        options.AddTo(cmd);
        cmd.Options.Add(policy);
        cmd.Options.Add(load);
        cmd.Options.Add(samples);
        cmd.Options.Add(output);
        cmd.SetAction(parse =>
        {
            var topology = options.BuildTopology(parse);
            var settings = options.BuildSettings(parse, NetworkPolicies.FromName(parse.GetValue(policy) ?? "adaptive-residue"), parse.GetValue(load) ?? 500);
            var seeds = options.SeedCount(parse);
            var baseSeed = options.BaseSeed(parse);
            var sampleCount = (int)(parse.GetValue(samples) ?? 0);
            var watch = Stopwatch.StartNew();
            var summary = CliProgress.Run($"network simulate ({settings.Policy.Name})",
                progress => NetworkExperiment.Run(topology, settings, seeds, baseSeed, sampleCount, progress));
            var runs = summary.Runs;
            var wall = watch.Elapsed.TotalSeconds;
            var result = SimulateResult.From(topology, settings, summary, baseSeed, wall);
            if (parse.GetValue(output) is { } dir)
            {
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "pools.csv"), PoolsCsv(topology, runs));
                if (sampleCount > 0)
                {
                    File.WriteAllText(Path.Combine(dir, "utilisation.csv"), UtilisationCsv(topology, runs[0]));
                }
            }
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(options.Json))
            {
                JsonOutput.Write(o, result);
            }
            else
            {
                o.WriteLine(result.ToText());
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static string PoolsCsv(NetworkTopology topology, ImmutableArray<NetworkRunResult> runs)
    {
        var sb = new StringBuilder("pool,nodeA,nodeB,budgetNode,capacityKeys,consumedKeysMeanPerRun,wastedKeysMeanPerRun\n");
        for (var p = 0; p < topology.Links.Length; p++)
        {
            var l = topology.Links[p];
            var consumed = runs.Average(r => r.PoolConsumedKeys[p]);
            var wasted = runs.Average(r => r.PoolWastedKeys[p]);
            sb.Append(CultureInfo.InvariantCulture, $"{p},{topology.Nodes[l.NodeA].Id},{topology.Nodes[l.NodeB].Id},{(l.BudgetNode < 0 ? "" : topology.Nodes[l.BudgetNode].Id)},{l.CapacityKeys:G9},{consumed:G9},{wasted:G9}\n");
        }
        return sb.ToString();
    }

    private static string UtilisationCsv(NetworkTopology topology, NetworkRunResult run)
    {
        var pools = topology.Links.Length;
        var sb = new StringBuilder("timeSeconds");
        for (var p = 0; p < pools; p++)
        {
            sb.Append(CultureInfo.InvariantCulture, $",fill_{topology.Nodes[topology.Links[p].NodeA].Id}-{topology.Nodes[topology.Links[p].NodeB].Id}");
        }
        sb.Append('\n');
        for (var k = 0; k < run.SampleTimesSeconds.Length; k++)
        {
            sb.Append(run.SampleTimesSeconds[k].ToString("G9", CultureInfo.InvariantCulture));
            for (var p = 0; p < pools; p++)
            {
                sb.Append(',').Append(run.PoolFillSamples[k * pools + p].ToString("G6", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
