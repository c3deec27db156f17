namespace Qkd.Cli.Reproduce;

/// <summary>How a paper's claim fares against the physics.</summary>
public enum ClaimVerdict
{
    /// <summary>The physics reproduces the claim.</summary>
    Agrees,

    /// <summary>True in part (a range, a reading of the axes) and false elsewhere.</summary>
    PartlyAgrees,

    /// <summary>The physics says the opposite.</summary>
    Contradicts,
}
