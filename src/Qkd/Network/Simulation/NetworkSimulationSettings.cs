namespace Qkd.Network;

/// <summary>
/// What one simulated run does. Services arrive as a Poisson process of rate
/// lambda = <see cref="OfferedLoad"/> / <see cref="HorizonSeconds"/> [services/s], so the offered
/// load L is the expected number of services that arrive within the horizon (our reading of seed
/// 003's "load" axis; docs/network.md). Each needs <see cref="KeysPerService"/> keys (X) from every
/// pool on its path.
/// </summary>
public sealed record NetworkSimulationSettings
{
    /// <summary>Keys a service needs end to end, X [keys], within (0, 1e9].</summary>
    public double KeysPerService { get; }

    /// <summary>Offered load L: expected service arrivals within the horizon, within [0, 1e9].</summary>
    public double OfferedLoad { get; }

    /// <summary>Simulated horizon T [s], within (0, 1e9].</summary>
    public double HorizonSeconds { get; }

    /// <summary>Allocation and routing.</summary>
    public NetworkPolicy Policy { get; }

    /// <summary>Alternative paths per pair for k-shortest routing, within [1, 16].</summary>
    public int AlternativePaths { get; }

    /// <summary>Fraction of each pool's capacity filled at time 0, within [0, 1]; 0 = pools start empty.</summary>
    public double InitialFillFraction { get; }

    /// <summary>Number of equally spaced per-pool level samples over the horizon (0 = none), within [0, 10000].</summary>
    public int UtilisationSamples { get; }

    /// <summary>Turns fibre descriptions into bit/s; needed only when a link's rate is <see cref="LinkRate.FromFibre"/>.</summary>
    public ILinkKeyRateModel? RateModel { get; }

    /// <summary>
    /// Mean holding time H [s] of the holding-time variant, within [0, 1e9]; 0 (default) is the one-shot
    /// model. With H &gt; 0 an admitted service lasts an exponential time of mean H and takes key at the rate
    /// X / H [keys/s] from every pool on its path for as long as it lasts (so X keys per hop on average);
    /// it is admitted when every hop holds at least X keys, and dropped if a pool on its path runs dry.
    /// </summary>
    public double HoldingTimeSeconds { get; init; }

    /// <summary>True for the holding-time variant.</summary>
    public bool IsHolding => HoldingTimeSeconds > 0;

    public NetworkSimulationSettings(double keysPerService, double offeredLoad, double horizonSeconds, NetworkPolicy policy,
        int alternativePaths = 3, double initialFillFraction = 0, int utilisationSamples = 0, ILinkKeyRateModel? rateModel = null)
    {
        KeysPerService = Guard.InRange(keysPerService, 1e-9, 1e9, "keys", "Keys per service X");
        OfferedLoad = Guard.InRange(offeredLoad, 0, 1e9, "services", "Offered load L");
        HorizonSeconds = Guard.InRange(horizonSeconds, 1e-6, 1e9, "s", "Horizon T");
        Policy = Guard.NotNull(policy);
        AlternativePaths = (int)Guard.InRange(alternativePaths, 1, 16, "Alternative paths k");
        InitialFillFraction = Guard.InRange(initialFillFraction, 0, 1, "", "Initial pool fill fraction");
        UtilisationSamples = (int)Guard.InRange(utilisationSamples, 0, 10_000, "Utilisation samples");
        RateModel = rateModel;
    }

    /// <summary>This configuration as the holding-time variant with mean holding time <paramref name="holdingTimeSeconds"/> [s] (0 = one-shot).</summary>
    public NetworkSimulationSettings WithHoldingTime(double holdingTimeSeconds)
        => this with { HoldingTimeSeconds = Guard.InRange(holdingTimeSeconds, 0, 1e9, "s", "Mean holding time H") };

    /// <summary>Arrival rate lambda = L / T [services/s].</summary>
    public double ArrivalRatePerSecond => OfferedLoad / HorizonSeconds;

    public NetworkSimulationSettings WithPolicy(NetworkPolicy policy)
        => new(KeysPerService, OfferedLoad, HorizonSeconds, policy, AlternativePaths, InitialFillFraction, UtilisationSamples, RateModel) { HoldingTimeSeconds = HoldingTimeSeconds };

    public NetworkSimulationSettings WithLoad(double offeredLoad)
        => new(KeysPerService, offeredLoad, HorizonSeconds, Policy, AlternativePaths, InitialFillFraction, UtilisationSamples, RateModel) { HoldingTimeSeconds = HoldingTimeSeconds };

    public NetworkSimulationSettings WithSamples(int samples)
        => new(KeysPerService, OfferedLoad, HorizonSeconds, Policy, AlternativePaths, InitialFillFraction, samples, RateModel) { HoldingTimeSeconds = HoldingTimeSeconds };
}
