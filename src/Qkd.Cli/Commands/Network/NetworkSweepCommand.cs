using System.CommandLine;
using System.Globalization;
using Qkd.Network;

namespace Qkd.Cli.Commands.Network;

/// <summary>
/// `qkd network sweep`: success rate against load for every policy and every value of one
/// parameter (seed 003's Fig. 4: --vary capacity=200,...,1000 at V = 2; Fig. 5: --vary
/// olt-rate=1,...,6 at C = 200), written as CSV, PNG, SVG and a Markdown report.
/// </summary>
public static class NetworkSweepCommand
{
    public static Command Create()
    {
        var options = new NetworkOptions();
        var vary = new Option<string>("--vary") { Description = "Parameter and values: capacity=200,400,600,800,1000 or olt-rate=1,2,3,4,5,6", Required = true };
        var loads = new Option<string?>("--load") { Description = "Loads: start:stop:step, a,b,c or one number (default 100:1000:100)" };
        var output = new Option<string>("--out") { Description = "Output directory for the CSV, plots and report", Required = true };
        var policies = new Option<string?>("--policy") { Description = $"Comma-separated policies or all (default all: {string.Join(", ", NetworkPolicies.Names)})" };
        var cmd = new Command("sweep", "Success rate against load for every policy and every value of one parameter (seed 003 Figs. 4 and 5)");
        options.AddTo(cmd);
        cmd.Options.Add(vary);
        cmd.Options.Add(loads);
        cmd.Options.Add(output);
        cmd.Options.Add(policies);
        cmd.SetAction(parse =>
        {
            var (parameter, values) = ParseVary(parse.GetValue(vary)!);
            var loadList = NetworkOptions.ParseLoads(parse.GetValue(loads) ?? "100:1000:100");
            var policyList = ParsePolicies(parse.GetValue(policies) ?? "all");
            var dir = parse.GetValue(output)!;
            var seeds = options.SeedCount(parse);
            var baseSeed = options.BaseSeed(parse);
            var (points, lastTopology, lastSettings) = CliProgress.Run($"network sweep {parameter}", progress => NetworkSweep.Run(parameter, values, policyList, loadList,
                value => parameter == "capacity" ? options.BuildTopology(parse, capacityOverride: value) : options.BuildTopology(parse, oltRateOverride: value),
                (policy, load) => options.BuildSettings(parse, policy, load), seeds, baseSeed, progress));
            Directory.CreateDirectory(dir);
            var stem = $"sweep-{parameter}";
            File.WriteAllText(Path.Combine(dir, stem + ".csv"), SweepCsv.Write(points));
            var images = SweepPlots.Write(points, dir, stem, parse.GetValue(options.KeysPerService) ?? 10);
            var context = new SweepReport.Context(lastTopology, lastSettings, parameter, seeds, baseSeed,
                string.Join(' ', parse.Tokens.Select(t => t.Value)));
            File.WriteAllText(Path.Combine(dir, stem + ".md"), SweepReport.Markdown(points, context, images));
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(options.Json))
            {
                JsonOutput.Write(o, new { varied = parameter, values, valueUnit = parameter == "capacity" ? "keys" : "keys/s", loads = loadList, loadsServices = loadList, seeds, seed = baseSeed, points });
            }
            else
            {
                o.WriteLine($"{points.Count} points ({values.Length} values x {policyList.Count} policies x {loadList.Length} loads, {seeds} seeds each) written to {dir}/{stem}.csv, .md and {images.Count} images");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static (string Parameter, double[] Values) ParseVary(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var name = eq > 0 ? text[..eq] : "";
        if (name is not ("capacity" or "olt-rate"))
        {
            throw new UsageException($"--vary must be capacity=v1,v2,... or olt-rate=v1,v2,..., but was '{text}'.");
        }
        var values = new List<double>();
        foreach (var part in text[(eq + 1)..].Split(','))
        {
            var (min, max) = name == "capacity" ? (1.0, 1e9) : (0.0, 1e9);
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v >= min && v <= max))
            {
                throw new UsageException($"--vary {name} values must be numbers within [{min}, {max:G3}], but '{part}' is not.");
            }
            values.Add(v);
        }
        return (name, [.. values]);
    }

    private static List<NetworkPolicy> ParsePolicies(string text)
    {
        if (text == "all")
        {
            return [.. NetworkPolicies.All];
        }
        var list = new List<NetworkPolicy>();
        foreach (var name in text.Split(','))
        {
            if (!NetworkPolicies.Names.Contains(name))
            {
                throw new UsageException($"--policy must be all or a comma-separated list of {string.Join(", ", NetworkPolicies.Names)}, but contained '{name}'.");
            }
            list.Add(NetworkPolicies.FromName(name));
        }
        return list;
    }
}
