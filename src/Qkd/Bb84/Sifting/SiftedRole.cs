namespace Qkd.Bb84.Sifting;

/// <summary>What happens to a detection once both bases and the intensity are public.</summary>
internal enum SiftedRole : byte
{
    /// <summary>Bases differ: dropped.</summary>
    Discarded,

    /// <summary>Sifted and kept for the key (a random sample of these is disclosed to estimate the QBER).</summary>
    Key,

    /// <summary>Sifted and disclosed in full: decoy pulses, or the monitoring basis of the one-decoy protocol.</summary>
    Disclosed,
}
