using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Qkd.Bb84.Estimation;
using Qkd.Bb84.Sifting;
using Qkd.Classical;

namespace Qkd.Bb84.Link;

/// <summary>
/// The pulse-level Monte Carlo of a prepare-and-measure link: quantum layer by gap sampling
/// (<see cref="GapSampler"/>), then Alice and Bob sift, disclose and announce decoys through an in-memory
/// <see cref="IClassicalChannel"/> pair, then the decoy bounds decide whether the block is secure.
/// The result depends on the seed only, not on <c>maxThreads</c>.
/// </summary>
public static class LinkSimulator
{
    /// <summary>Largest expected number of detections of one block (about 40 bytes each while it is simulated).</summary>
    public const double MaxDetectionsPerBlock = 1.5e8;

    /// <summary>Simulates one block. <paramref name="maxThreads"/> &lt;= 0 uses every core.</summary>
    public static SimulationResult Run(SimulationSettings settings, int maxThreads = 0, IProgress<double>? progress = null)
        => RunAsync(settings, maxThreads, progress).GetAwaiter().GetResult();

    /// <summary>Simulates one block (the protocol phase runs Alice and Bob concurrently).</summary>
    public static async Task<SimulationResult> RunAsync(SimulationSettings settings, int maxThreads = 0, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(settings);
        var expected = ExpectedDetections(settings);
        if (expected > MaxDetectionsPerBlock)
        {
            throw new ArgumentException(
                $"The block would hold about {expected:G3} detections, above the limit of {MaxDetectionsPerBlock:G3} per block (memory); "
                + $"simulate fewer pulses per block (here at most about {settings.Pulses * (MaxDetectionsPerBlock / expected):G3}).", nameof(settings));
        }
        var model = new PulseModel(settings);
        var records = GapSampler.Run(settings, model, maxThreads, progress);
        var result = await SiftAsync(settings, records, cancellationToken).ConfigureAwait(false);
        progress?.Report(1);
        return result;
    }

    /// <summary>
    /// Expected number of clicks of a run (no randomness): pulses / mean inter-click gap, the gap being
    /// 1 + D + (1 - p_ap)(1 - Q)/Q pulses with D dead pulses, p_ap the afterpulse probability and Q the click
    /// probability of a live pulse. Hosts use it to size progress reporting; the cost of a run is proportional to it.
    /// </summary>
    public static double ExpectedDetections(SimulationSettings settings)
    {
        Guard.NotNull(settings);
        var q = new PulseModel(settings).ClickProbability;
        if (q <= 0)
        {
            return 0;
        }
        var detector = settings.Link.Detector;
        var dead = GapSampler.DeadPulses(detector.DeadTimeSeconds, settings.Link.Source.RepetitionRateHz);
        return settings.Pulses / (1 + dead + (1 - detector.AfterpulseProbability) * (1 - q) / q);
    }

    /// <summary>The same block drawn pulse by pulse (the slow reference; tests and the benchmark baseline).</summary>
    internal static SimulationResult RunPerPulse(SimulationSettings settings)
        => SiftAsync(settings, PerPulseSimulator.Run(settings), CancellationToken.None).GetAwaiter().GetResult();

    internal static async Task<SimulationResult> SiftAsync(SimulationSettings settings, QuantumRecords records, CancellationToken cancellationToken)
    {
        var (aliceEnd, bobEnd) = InMemoryClassicalChannel.CreatePair();
        var alice = new AliceProtocol(settings, records.PulseIndices, records.Alice, [.. records.PulsesPerIntensity]);
        var bob = new BobProtocol(settings, records.PulseIndices, records.Bob);
        var aliceTask = alice.RunAsync(aliceEnd, cancellationToken);
        var bobTask = bob.RunAsync(bobEnd, cancellationToken);
        await Task.WhenAll(aliceTask, bobTask).ConfigureAwait(false);
        var a = await aliceTask.ConfigureAwait(false);
        var b = await bobTask.ConfigureAwait(false);
        if (!a.Statistics.SameCounts(b.Statistics) || a.SiftedKey.Length != b.SiftedKey.Length)
        {
            throw new InvalidOperationException("Alice and Bob ended sifting with different public statistics.");
        }
        var s = a.Statistics;
        long eveKnown = 0;
        foreach (var position in a.KeyPositions)
        {
            eveKnown += records.EveKnows[position] ? 1 : 0;
        }
        var keyQber = a.SiftedKey.Length > 0 ? a.SiftedKey.HammingDistance(b.SiftedKey) / (double)a.SiftedKey.Length : double.NaN;
        // The raw records held both parties' bits: wipe them now that the keys are packed.
        MemoryMarshal.AsMemory(records.Alice).Span.Clear();
        MemoryMarshal.AsMemory(records.Bob).Span.Clear();
        return new SimulationResult(settings, a.SiftedKey, b.SiftedKey, s, PerIntensity(settings, s), SecurityEstimator.Estimate(settings, s),
            records.Count, records.DeadPulses, aliceEnd.Traffic.TotalBytes, aliceEnd.Traffic.MessagesSent + aliceEnd.Traffic.MessagesReceived,
            keyQber, eveKnown);
    }

    internal static ImmutableArray<IntensityStatistics> PerIntensity(SimulationSettings settings, SiftingStatistics s)
    {
        var zOnly = settings.Protocol == ProtocolKind.ThreeState || settings.Estimation == EstimationMethod.OneDecoyFiniteKey;
        var builder = ImmutableArray.CreateBuilder<IntensityStatistics>(settings.Intensities.Length);
        for (var k = 0; k < settings.Intensities.Length; k++)
        {
            var i = settings.Intensities[k];
            builder.Add(new IntensityStatistics(i.Name, i.MeanPhotonNumber, i.Probability, s.Pulses[k], s.Detections[k], s.Gain(k),
                s.Sifted[2 * k], s.Sifted[2 * k + 1], s.Disclosed[2 * k] + s.Disclosed[2 * k + 1], s.Errors[2 * k] + s.Errors[2 * k + 1],
                zOnly ? s.ErrorRate(k, 0) : s.ErrorRate(k), s.ErrorRate(k, 0), s.ErrorRate(k, 1)));
        }
        return builder.MoveToImmutable();
    }
}
