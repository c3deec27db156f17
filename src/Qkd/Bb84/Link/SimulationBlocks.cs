using System.Collections.Immutable;
using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Estimation;
using Qkd.Bb84.Sifting;
using Qkd.Bits;

namespace Qkd.Bb84.Link;

/// <summary>
/// A link simulated in consecutive slices of link time (for a live view, or an attacker who comes and goes) and
/// post-processed in blocks of several slices: <see cref="Concatenate"/> joins the slices of one block into the
/// <see cref="SimulationResult"/> the whole block would be.
/// </summary>
/// <remarks>
/// What is additive is added: pulses, clicks, sifted, disclosed and erroneous bits per intensity and basis, key bits,
/// dead pulses, classical traffic, Eve's known bits; the sifted keys are concatenated in slice order. The decoy bounds
/// and the secure verdict are recomputed by <see cref="SecurityEstimator.Estimate"/> from the summed public statistics,
/// exactly as for one long block: the estimate depends on the block's counts only, and counts of disjoint sets of
/// pulses add. The block's <see cref="SimulationSettings.Eve"/> summarises the slices' attackers: none when no slice
/// was attacked, otherwise their kind with the pulse-weighted mean of their strengths (informational; the estimate
/// never reads it). Slices must share link, protocol and intensities, and may be attacked by one kind of attacker only.
/// </remarks>
public static class SimulationBlocks
{
    /// <summary>The block made of <paramref name="slices"/> (at least one), in order. The slices' keys are copied, not wiped.</summary>
    public static SimulationResult Concatenate(IReadOnlyList<SimulationResult> slices)
    {
        Guard.NotNull(slices);
        if (slices.Count == 0)
        {
            throw new ArgumentException("A block needs at least one slice.", nameof(slices));
        }
        var first = slices[0].Settings;
        var kind = EavesdropperKind.None;
        long pulses = 0, detections = 0, dead = 0, bytes = 0, messages = 0, eveKnown = 0, bits = 0;
        double eveStrength = 0;
        foreach (var s in slices)
        {
            var settings = Guard.NotNull(s).Settings;
            if (settings.Link != first.Link || settings.Protocol != first.Protocol || !settings.Intensities.SequenceEqual(first.Intensities))
            {
                throw new ArgumentException("Slices of one block must share link, protocol and intensities.", nameof(slices));
            }
            if (settings.Eve.IsActive)
            {
                if (kind != EavesdropperKind.None && kind != settings.Eve.Kind)
                {
                    throw new ArgumentException($"Slices of one block met two kinds of attacker ({kind}, {settings.Eve.Kind}).", nameof(slices));
                }
                kind = settings.Eve.Kind;
                eveStrength += settings.Eve.Fraction * settings.Pulses;
            }
            pulses += settings.Pulses;
            detections += s.Detections;
            dead += s.DeadPulses;
            bytes += s.ClassicalBytes;
            messages += s.ClassicalMessages;
            eveKnown += s.EveKnownKeyBits;
            bits += s.SiftedBits;
        }
        var eve = kind == EavesdropperKind.None ? Eavesdropper.None : new Eavesdropper(kind, eveStrength / pulses);
        var merged = new SimulationSettings(first.Link, first.Protocol, first.Intensities, eve, pulses, first.Seed, first.SampleFraction);
        var statistics = SumStatistics([.. slices.Select(s => s.Statistics)]);
        var alice = Join(slices, s => s.AliceSiftedKey, (int)bits);
        var bob = Join(slices, s => s.BobSiftedKey, (int)bits);
        var keyQber = bits > 0 ? alice.HammingDistance(bob) / (double)bits : double.NaN;
        return new SimulationResult(merged, alice, bob, statistics, PerIntensity(merged, statistics), SecurityEstimator.Estimate(merged, statistics),
            detections, dead, bytes, messages, keyQber, eveKnown);
    }

    /// <summary>Per-intensity report of summed statistics (the simulator's own, see <see cref="LinkSimulator"/>).</summary>
    private static ImmutableArray<IntensityStatistics> PerIntensity(SimulationSettings settings, SiftingStatistics s)
        => LinkSimulator.PerIntensity(settings, s);

    /// <summary>The public statistics of disjoint sets of pulses taken together: every count added (at least one, same shape).</summary>
    public static SiftingStatistics SumStatistics(IReadOnlyList<SiftingStatistics> parts)
    {
        Guard.NotNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("At least one set of statistics is needed.", nameof(parts));
        }
        long keyBits = 0;
        foreach (var p in parts)
        {
            keyBits += Guard.NotNull(p).KeyBits;
        }
        return new SiftingStatistics(Sum(parts, s => s.Pulses), Sum(parts, s => s.Detections), Sum(parts, s => s.Sifted),
            Sum(parts, s => s.Disclosed), Sum(parts, s => s.Errors), keyBits);
    }

    /// <summary>
    /// Error rate of the disclosed key bits under the block's estimation rule (as <see cref="SimulationResult.Qber"/>):
    /// the Z basis of every intensity for the three-state and one-decoy protocols, both bases of the signal otherwise.
    /// Also returns the number of disclosed bits it rests on. NaN when none.
    /// </summary>
    public static (double Qber, long DisclosedBits) KeyQber(SimulationSettings settings, SiftingStatistics statistics)
    {
        Guard.NotNull(settings);
        Guard.NotNull(statistics);
        long d = 0, e = 0;
        var oneDecoy = settings.Estimation == EstimationMethod.OneDecoyFiniteKey;
        var zOnly = settings.Protocol == ProtocolKind.ThreeState || oneDecoy;
        for (var k = 0; k < statistics.Pulses.Length && (oneDecoy || k == 0); k++)
        {
            for (var basis = 0; basis < (zOnly ? 1 : 2); basis++)
            {
                d += statistics.Disclosed[k * 2 + basis];
                e += statistics.Errors[k * 2 + basis];
            }
        }
        return (d > 0 ? (double)e / d : double.NaN, d);
    }

    private static ImmutableArray<long> Sum(IReadOnlyList<SiftingStatistics> parts, Func<SiftingStatistics, ImmutableArray<long>> field)
    {
        var total = new long[field(parts[0]).Length];
        foreach (var s in parts)
        {
            var values = field(s);
            for (var i = 0; i < total.Length; i++)
            {
                total[i] += values[i];
            }
        }
        return [.. total];
    }

    private static BitString Join(IReadOnlyList<SimulationResult> slices, Func<SimulationResult, BitString> key, int length)
    {
        var joined = new BitString(length);
        var at = 0;
        foreach (var s in slices)
        {
            var part = key(s);
            for (var i = 0; i < part.Length; i++)
            {
                if (part[i])
                {
                    joined[at + i] = true;
                }
            }
            at += part.Length;
        }
        return joined;
    }
}
