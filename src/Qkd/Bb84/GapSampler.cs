using Qkd.Bits;

namespace Qkd.Bb84;

/// <summary>
/// The fast quantum layer: cost proportional to clicks, not pulses. The run is cut into numbered chunks of a
/// fixed number of clicks; chunk c draws its clicks from its own stream <c>SimRandom.ForStream(seed, c)</c>:
/// per click the gap to the previous click (dead time, afterpulse or a geometric number of silent pulses) and
/// the clicked pulse's story conditioned on the click. Inter-click gaps are i.i.d. (a renewal process), so chunks
/// are independent and are stitched by a prefix sum of their spans: the result does not depend on the thread count.
/// </summary>
internal static class GapSampler
{
    /// <summary>Stream number of the draw that splits silent pulses among intensities.</summary>
    internal const ulong PulseCountStream = ulong.MaxValue;

    public static QuantumRecords Run(SimulationSettings settings, PulseModel model, int maxThreads, IProgress<double>? progress)
    {
        var n = settings.Pulses;
        var link = settings.Link;
        var dead = DeadPulses(link.Detector.DeadTimeSeconds, link.Source.RepetitionRateHz);
        var afterpulse = link.Detector.AfterpulseProbability;
        var q = model.ClickProbability;
        var meanGap = 1 + dead + (q > 0 ? (1 - afterpulse) * (1 - q) / q : 1e18);
        var expectedClicks = n / meanGap;
        var chunkSize = (int)Math.Clamp(Math.Pow(2, Math.Ceiling(Math.Log2(Math.Max(1, expectedClicks / 32)))), 1024, 65536);

        var chunks = new List<Chunk>();
        long covered = -1; // pulse index of the last click of the last chunk
        var doneChunks = 0;
        var plannedChunks = Math.Max(1, (long)Math.Ceiling(expectedClicks / chunkSize) + 1);
        while (covered < n - 1)
        {
            var remaining = (n - 1 - covered) / meanGap;
            var wave = (int)Math.Clamp(Math.Ceiling(remaining / chunkSize) + 1, 2, 4096);
            var first = chunks.Count;
            var results = new Chunk[wave];
            var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : -1 };
            Parallel.For(0, wave, options, i =>
            {
                results[i] = Chunk.Generate(model, first + i, chunkSize, dead, afterpulse, settings.Seed);
                var done = Interlocked.Increment(ref doneChunks);
                progress?.Report(Math.Min(0.99, done / (double)Math.Max(plannedChunks, done + 1)));
            });
            foreach (var c in results)
            {
                chunks.Add(c);
                covered = SaturatingAdd(covered, c.Span);
                if (covered >= n - 1)
                {
                    break;
                }
            }
            plannedChunks = chunks.Count + (long)Math.Ceiling(Math.Max(0, n - 1 - covered) / meanGap / chunkSize) + 1;
        }
        return Stitch(settings, model, chunks, dead);
    }

    /// <summary>Number of pulses after a click that find the detector dead: pulses j >= 1 with j / R &lt; tau, i.e. ceil(tau R) - 1.</summary>
    internal static long DeadPulses(double deadTimeSeconds, double repetitionRateHz)
        => deadTimeSeconds <= 0 ? 0 : Math.Max(0, (long)Math.Ceiling(deadTimeSeconds * repetitionRateHz - 1e-9) - 1);

    private static QuantumRecords Stitch(SimulationSettings settings, PulseModel model, List<Chunk> chunks, long dead)
    {
        var n = settings.Pulses;
        long count = 0, baseIndex = -1;
        foreach (var c in chunks)
        {
            for (var j = 0; j < c.Offsets.Length; j++)
            {
                if (baseIndex + c.Offsets[j] >= n)
                {
                    goto counted;
                }
                count++;
            }
            baseIndex = SaturatingAdd(baseIndex, c.Span);
        }
    counted:
        var indices = new long[count];
        var alice = new byte[count];
        var bob = new byte[count];
        var eve = new bool[count];
        var perIntensity = new long[model.IntensityCount];
        long deadTotal = 0, at = 0;
        baseIndex = -1;
        foreach (var c in chunks)
        {
            var take = (int)Math.Min(c.Offsets.Length, count - at);
            for (var j = 0; j < take; j++)
            {
                var index = baseIndex + c.Offsets[j];
                indices[at + j] = index;
                deadTotal += Math.Min(dead, n - 1 - index);
                perIntensity[c.Alice[j] >> 2]++;
            }
            c.Alice.AsSpan(0, take).CopyTo(alice.AsSpan((int)at));
            c.Bob.AsSpan(0, take).CopyTo(bob.AsSpan((int)at));
            c.Eve.AsSpan(0, take).CopyTo(eve.AsSpan((int)at));
            at += take;
            baseIndex = SaturatingAdd(baseIndex, c.Span);
            if (at == count)
            {
                break;
            }
        }
        // Silent pulses: dead ones carry any intensity (p_k); live silent ones intensity k with p_k (1 - Q_k) / (1 - Q).
        var random = SimRandom.ForStream(settings.Seed, PulseCountStream);
        var k = model.IntensityCount;
        Span<double> prior = stackalloc double[k];
        Span<double> silent = stackalloc double[k];
        for (var i = 0; i < k; i++)
        {
            prior[i] = settings.Intensities[i].Probability;
            silent[i] = prior[i] * (1 - model.ClickProbabilityOf(i));
        }
        Variates.AddMultinomial(ref random, deadTotal, prior, perIntensity);
        Variates.AddMultinomial(ref random, n - count - deadTotal, silent, perIntensity);
        return new QuantumRecords(indices, alice, bob, eve, perIntensity, deadTotal);
    }

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue / 2 - a ? long.MaxValue / 2 : a + b;

    /// <summary>The clicks of one numbered chunk, positions relative to the last click of the previous chunk.</summary>
    private sealed class Chunk
    {
        public required long[] Offsets { get; init; }
        public required byte[] Alice { get; init; }
        public required byte[] Bob { get; init; }
        public required bool[] Eve { get; init; }
        public long Span => Offsets[^1];

        public static Chunk Generate(PulseModel model, int chunkIndex, int size, long dead, double afterpulse, ulong seed)
        {
            var random = SimRandom.ForStream(seed, (ulong)chunkIndex);
            var offsets = new long[size];
            var alice = new byte[size];
            var bob = new byte[size];
            var eve = new bool[size];
            long position = 0;
            for (var j = 0; j < size; j++)
            {
                long gap;
                var forced = false;
                if (chunkIndex == 0 && j == 0)
                {
                    gap = 1 + model.NextGap(ref random); // the detector is live at pulse 0
                }
                else
                {
                    forced = afterpulse > 0 && random.NextDouble() < afterpulse;
                    gap = 1 + dead + (forced ? 0 : model.NextGap(ref random));
                }
                position = SaturatingAdd(position, gap);
                offsets[j] = position;
                var d = model.Sample(ref random, givenClick: !forced, forcedCount: forced);
                alice[j] = d.Alice;
                bob[j] = d.Bob;
                eve[j] = d.EveKnows;
            }
            return new Chunk { Offsets = offsets, Alice = alice, Bob = bob, Eve = eve };
        }
    }
}
