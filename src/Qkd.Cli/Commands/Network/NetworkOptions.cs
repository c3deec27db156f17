using System.CommandLine;
using System.Globalization;
using Qkd.Network;

namespace Qkd.Cli.Commands.Network;

/// <summary>The options `network simulate` and `network sweep` share, and how they become domain records.</summary>
internal sealed class NetworkOptions
{
    public const double DefaultCapacity = 200;
    public const double DefaultOltRate = 2;

    public Option<string?> Topology { get; } = new("--topology") { Description = "metro3 (seed 003's 9-node network), city:N (generated, seeded by --seed) or a JSON topology file (docs/network.md)" };
    public Option<double?> Capacity { get; } = CliOptions.Double("--capacity", "Key pool capacity C of every link [keys] (default 200 for metro3/city, file value otherwise)", 1, 1e9, "keys");
    public Option<double?> OltRate { get; } = CliOptions.Double("--olt-rate", "Key generation rate V of each OLT's shared equipment [keys/s] (default 2 for metro3/city, file value otherwise)", 0, 1e9, "keys/s");
    public Option<double?> KeysPerService { get; } = CliOptions.Double("--keys-per-service", "Keys X each service needs on every hop (default 10)", 1e-6, 1e9, "keys");
    public Option<double?> Horizon { get; } = CliOptions.Double("--horizon", "Simulated time T [s]; load L means L expected arrivals within T (default 1000)", 1e-3, 1e9, "s");
    public Option<long?> Seeds { get; } = CliOptions.Long("--seeds", "Independent runs per point for the 95 % confidence interval (default 10)", 1, 10_000);
    public Option<ulong?> Seed { get; } = CliOptions.Seed();
    public Option<string?> Routing { get; } = CliOptions.Choice("--routing", "Override the policy's routing", "shortest", "k-shortest", "key-aware");
    public Option<long?> Paths { get; } = CliOptions.Long("--paths", "Alternative paths k for k-shortest routing (default 3)", 1, 16);
    public Option<double?> InitialFill { get; } = CliOptions.Double("--initial-fill", "Fraction of every pool filled at time 0 (default 0: pools start empty)", 0, 1);
    public Option<double?> HoldingTime { get; } = CliOptions.Double("--holding-time", "Holding-time variant: mean service duration H [s]; a service then takes X/H keys/s per hop while it lasts (default 0: one-shot X per hop)", 0, 1e9, "s");
    public Option<string?> KeyRateModel { get; } = CliOptions.Choice("--key-rate-model", $"Key-rate model for fibre-described links (default {AnalyticLinkKeyRateModel.DefaultModel})", [.. Qkd.KeyRate.KeyRateModels.Names]);
    public Option<bool> Json { get; } = CliOptions.Json();

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Topology, Capacity, OltRate, KeysPerService, Horizon, Seeds, Seed, Routing, Paths, InitialFill, HoldingTime, KeyRateModel, Json })
        {
            command.Options.Add(o);
        }
    }

    public ulong BaseSeed(ParseResult parse) => parse.GetValue(Seed) ?? 1;

    public int SeedCount(ParseResult parse) => (int)(parse.GetValue(Seeds) ?? 10);

    /// <summary>The topology with --capacity and --olt-rate applied (or the given overrides).</summary>
    public NetworkTopology BuildTopology(ParseResult parse, double? capacityOverride = null, double? oltRateOverride = null)
    {
        var spec = parse.GetValue(Topology) ?? "metro3";
        var capacity = capacityOverride ?? parse.GetValue(Capacity);
        var oltRate = oltRateOverride ?? parse.GetValue(OltRate);
        if (spec == "metro3")
        {
            return StandardTopologies.Metro3(capacity ?? DefaultCapacity, oltRate ?? DefaultOltRate);
        }
        if (spec.StartsWith("city:", StringComparison.Ordinal))
        {
            if (!int.TryParse(spec.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 12 || n > 1_000_000)
            {
                throw new UsageException($"--topology city:N needs N within [12, 1000000], but was '{spec}'.");
            }
            return CityTopologyGenerator.Generate(n, BaseSeed(parse), capacity ?? DefaultCapacity, oltRate ?? DefaultOltRate);
        }
        var topology = TopologyFile.Load(spec);
        if (capacity is { } c)
        {
            topology = topology.WithCapacity(c);
        }
        if (oltRate is { } v)
        {
            topology = topology.WithBudgetRate(NodeRole.Olt, v);
        }
        return topology;
    }

    /// <summary>Settings for one policy and load.</summary>
    public NetworkSimulationSettings BuildSettings(ParseResult parse, NetworkPolicy policy, double load)
    {
        if (parse.GetValue(Routing) is { } routing)
        {
            policy = policy.WithRouting(NetworkPolicies.RoutingFromName(routing));
        }
        return Settings(policy, load, parse.GetValue(KeysPerService) ?? 10, parse.GetValue(Horizon) ?? 1000, (int)(parse.GetValue(Paths) ?? 3),
            parse.GetValue(InitialFill) ?? 0, parse.GetValue(KeyRateModel) ?? AnalyticLinkKeyRateModel.DefaultModel, parse.GetValue(HoldingTime) ?? 0);
    }

    /// <summary>Settings for one policy and load with the commands' defaults (X = 10 keys, T = 1000 s, k = 3 paths, pools empty, one-shot services).</summary>
    public static NetworkSimulationSettings Settings(NetworkPolicy policy, double load, double keysPerService = 10, double horizonSeconds = 1000,
        int paths = 3, double initialFill = 0, string keyRateModel = AnalyticLinkKeyRateModel.DefaultModel, double holdingTimeSeconds = 0)
        => new(keysPerService, load, horizonSeconds, policy, paths, initialFill,
            rateModel: AnalyticLinkKeyRateModel.Named(keyRateModel))
        {
            HoldingTimeSeconds = holdingTimeSeconds,
        };

    /// <summary>Parses "100:1000:100" (start:stop:step), "100,200,500" or one number.</summary>
    public static double[] ParseLoads(string text)
    {
        try
        {
            if (text.Contains(':', StringComparison.Ordinal))
            {
                var parts = text.Split(':');
                if (parts.Length != 3)
                {
                    throw new FormatException();
                }
                var (start, stop, step) = (Number(parts[0]), Number(parts[1]), Number(parts[2]));
                if (step <= 0 || stop < start || (stop - start) / step > 10_000)
                {
                    throw new FormatException();
                }
                var list = new List<double>();
                for (var k = 0; start + k * step <= stop + 1e-9 * step; k++)
                {
                    list.Add(start + k * step);
                }
                return Check([.. list]);
            }
            return Check([.. text.Split(',').Select(Number)]);
        }
        catch (FormatException)
        {
            throw new UsageException($"--load must be a number, a list a,b,c or a range start:stop:step with loads within [0, 1e9], but was '{text}'.");
        }
    }

    private static double[] Check(double[] loads)
    {
        if (loads.Length == 0 || loads.Any(l => !(l >= 0 && l <= 1e9)))
        {
            throw new FormatException();
        }
        return loads;
    }

    private static double Number(string s) => double.Parse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
