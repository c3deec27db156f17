namespace Qkd.Kms.Dev;

/// <summary>What feeds the links of a development network.</summary>
public enum KeySupplyKind
{
    /// <summary>Uniformly random blocks at a fixed rate (<see cref="Supply.SimulatedKeySupply"/>).</summary>
    Random,

    /// <summary>The simulated BB84 link and post-processing chain at its own secret key rate (<see cref="Supply.DistilledKeySupply"/>).</summary>
    Bb84,
}
