using System.Collections.Immutable;

namespace Qkd.Bb84.Sifting;

/// <summary>What one party ends the sifting phase with.</summary>
/// <param name="SiftedKey">The party's sifted key (disclosed bits removed), bit-packed.</param>
/// <param name="KeyPositions">For each key bit, the ordinal of its detection in the click list (to join with other records).</param>
/// <param name="Statistics">The public statistics, identical at both ends.</param>
public sealed record SiftingOutcome(Bits.BitString SiftedKey, ImmutableArray<int> KeyPositions, SiftingStatistics Statistics);
