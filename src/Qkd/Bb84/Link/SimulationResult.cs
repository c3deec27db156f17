using System.Collections.Immutable;
using Qkd.Bb84.Estimation;
using Qkd.Bb84.Sifting;
using Qkd.Bits;

namespace Qkd.Bb84.Link;

/// <summary>
/// Everything one simulated block produced: the inputs of the post-processing (both parties' sifted keys,
/// bit-aligned, and the public per-intensity statistics) and the link's report (gains, QBERs, decoy bounds,
/// verdict, classical traffic). The keys are key material: never print them.
/// </summary>
/// <param name="Settings">The inputs, including the seed.</param>
/// <param name="AliceSiftedKey">Alice's sifted key after the disclosed sample is removed.</param>
/// <param name="BobSiftedKey">Bob's sifted key, same length and order; differs from Alice's where the channel erred.</param>
/// <param name="Statistics">The public counts both parties agree on (per intensity and basis), for the finite-key bound.</param>
/// <param name="PerIntensity">Per-intensity report.</param>
/// <param name="Estimate">Decoy-state bounds and the secure verdict.</param>
/// <param name="Detections">Clicks in the block.</param>
/// <param name="DeadPulses">Pulses that found the detectors dead.</param>
/// <param name="ClassicalBytes">Bytes exchanged over the classical channel by sifting and disclosure (both directions).</param>
/// <param name="ClassicalMessages">Messages exchanged (both directions).</param>
/// <param name="KeyQber">True error rate between the two sifted keys (the simulator knows both; the link only estimates it).</param>
/// <param name="EveKnownKeyBits">Sifted-key bits whose value Eve knows.</param>
public sealed record SimulationResult(
    SimulationSettings Settings, BitString AliceSiftedKey, BitString BobSiftedKey, SiftingStatistics Statistics,
    ImmutableArray<IntensityStatistics> PerIntensity, LinkEstimate Estimate, long Detections, long DeadPulses,
    long ClassicalBytes, long ClassicalMessages, double KeyQber, long EveKnownKeyBits)
{
    /// <summary>Pulses emitted.</summary>
    public long Pulses => Settings.Pulses;

    /// <summary>Length of the sifted keys [bits].</summary>
    public int SiftedBits => AliceSiftedKey.Length;

    /// <summary>Overall gain: clicks per pulse.</summary>
    public double Gain => Detections / (double)Settings.Pulses;

    /// <summary>
    /// Estimated QBER of the key: errors over disclosed key-set bits (signal intensity, or Z of all intensities
    /// with the one-decoy bound). NaN if nothing was disclosed.
    /// </summary>
    public double Qber
    {
        get
        {
            long d = 0, e = 0;
            var zOnly = Settings.Protocol == ProtocolKind.ThreeState || Settings.Estimation == EstimationMethod.OneDecoyFiniteKey;
            for (var k = 0; k < PerIntensity.Length; k++)
            {
                if (Settings.Estimation != EstimationMethod.OneDecoyFiniteKey && k > 0)
                {
                    break;
                }
                for (var basis = 0; basis < (zOnly ? 1 : 2); basis++)
                {
                    d += Statistics.Disclosed[k * 2 + basis];
                    e += Statistics.Errors[k * 2 + basis];
                }
            }
            return d > 0 ? (double)e / d : double.NaN;
        }
    }

    /// <summary>Lower bound on the single-photon yield.</summary>
    public double Y1Lower => Estimate.Y1Lower;

    /// <summary>Upper bound on the single-photon error rate.</summary>
    public double E1Upper => Estimate.E1Upper;

    /// <summary>Whether a key can be distilled from this block.</summary>
    public bool Secure => Estimate.Secure;

    /// <summary>Link time of the block at the source's repetition rate [s].</summary>
    public double LinkSeconds => Settings.LinkSeconds;
}
