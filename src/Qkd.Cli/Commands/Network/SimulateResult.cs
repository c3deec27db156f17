using System.Globalization;
using Qkd.Network;

namespace Qkd.Cli.Commands.Network;

/// <summary>What `network simulate` prints; the --json field names are a contract (issue 6).</summary>
public sealed record SimulateResult
{
    public required string Topology { get; init; }
    public required int Nodes { get; init; }
    public required int Links { get; init; }
    public required string Policy { get; init; }
    public required string Routing { get; init; }
    public required double KeysPerService { get; init; }
    public required double Load { get; init; }
    public required double HorizonSeconds { get; init; }
    public required double ArrivalRatePerSecond { get; init; }
    public required double InitialFill { get; init; }

    /// <summary><see cref="Load"/> under its unit-suffixed name: services offered per horizon.</summary>
    public double LoadServices => Load;

    /// <summary><see cref="InitialFill"/> under its unit-suffixed name: fraction of every pool full at time 0.</summary>
    public double InitialFillFraction => InitialFill;
    public required int Seeds { get; init; }
    public required ulong Seed { get; init; }
    public required double SuccessRate { get; init; }

    /// <summary>Half-width of the 95 % confidence interval of the success rate over seeds.</summary>
    public required double SuccessRateCi95 { get; init; }
    public required long ServicesArrived { get; init; }
    public required long ServicesServed { get; init; }
    public required long ServicesBlocked { get; init; }
    public required long ServicesDropped { get; init; }
    public required double HoldingTimeSeconds { get; init; }
    public required double KeysGenerated { get; init; }
    public required double KeysConsumed { get; init; }
    public required double KeysWasted { get; init; }
    public required double MeanRelayHops { get; init; }
    public required long EventsProcessed { get; init; }
    public required double WallSeconds { get; init; }
    public required double EventsPerSecond { get; init; }

    public static SimulateResult From(NetworkTopology topology, NetworkSimulationSettings settings, NetworkSummary summary, ulong seed, double wallSeconds) => new()
    {
        Topology = topology.Name,
        Nodes = topology.Nodes.Length,
        Links = topology.Links.Length,
        Policy = settings.Policy.Name,
        Routing = NetworkPolicies.RoutingName(settings.Policy.Routing),
        KeysPerService = settings.KeysPerService,
        Load = settings.OfferedLoad,
        HorizonSeconds = settings.HorizonSeconds,
        ArrivalRatePerSecond = settings.ArrivalRatePerSecond,
        InitialFill = settings.InitialFillFraction,
        Seeds = summary.Runs.Length,
        Seed = seed,
        SuccessRate = summary.SuccessRate.Mean,
        SuccessRateCi95 = summary.SuccessRate.HalfWidth95,
        ServicesArrived = summary.ServicesArrived,
        ServicesServed = summary.ServicesServed,
        ServicesBlocked = summary.ServicesArrived - summary.ServicesServed,
        ServicesDropped = summary.ServicesDropped,
        HoldingTimeSeconds = settings.HoldingTimeSeconds,
        KeysGenerated = summary.KeysGenerated,
        KeysConsumed = summary.KeysConsumed,
        KeysWasted = summary.KeysWasted,
        MeanRelayHops = summary.MeanRelayHops,
        EventsProcessed = summary.EventsProcessed,
        WallSeconds = wallSeconds,
        EventsPerSecond = wallSeconds > 0 ? summary.EventsProcessed / wallSeconds : 0,
    };

    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"""
        {Topology}: {Nodes} nodes, {Links} links; policy {Policy} (routing {Routing}); X = {KeysPerService} keys/service
        load L = {Load} services in T = {HorizonSeconds} s (lambda = {ArrivalRatePerSecond:G4}/s), pools start {InitialFill:P0} full; {Seeds} seeds from {Seed}
        success rate      {SuccessRate:F4} +- {SuccessRateCi95:F4} (95 % CI over seeds)
        services          {ServicesServed} served / {ServicesArrived} arrived ({ServicesBlocked} blocked{(HoldingTimeSeconds > 0 ? $", {ServicesDropped} dropped mid-service, mean holding {HoldingTimeSeconds:G4} s" : "")})
        keys              {KeysGenerated:F0} generated, {KeysConsumed:F0} consumed, {KeysWasted:F0} wasted to overflow
        relays            {MeanRelayHops:F3} trusted relays per served service
        speed             {EventsProcessed} events in {WallSeconds:F3} s ({EventsPerSecond:G3} events/s)
        """);
}
