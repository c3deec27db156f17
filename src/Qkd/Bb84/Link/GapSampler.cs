using System.Runtime.CompilerServices;
using Qkd.Bits;

namespace Qkd.Bb84.Link;

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

        var plannedChunks = Math.Max(1, (long)Math.Ceiling(expectedClicks / chunkSize) + 1);
        var buffers = new Buffers((int)Math.Min(plannedChunks * chunkSize, 1L << 30));
        var spans = new List<long>();
        long covered = -1; // pulse index of the last click of the last chunk
        var doneChunks = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : -1 };
        while (covered < n - 1)
        {
            var remaining = (n - 1 - covered) / meanGap;
            var wave = (int)Math.Clamp(Math.Ceiling(remaining / chunkSize) + 1, 2, 4096);
            var first = spans.Count;
            buffers.EnsureCapacity(checked((first + wave) * chunkSize));
            var waveSpans = new long[wave];
            Parallel.For(0, wave, options, i =>
            {
                waveSpans[i] = GenerateChunk(model, first + i, chunkSize, dead, afterpulse, settings.Seed, buffers);
                var done = Interlocked.Increment(ref doneChunks);
                progress?.Report(Math.Min(0.99, done / (double)Math.Max(plannedChunks, done + 1)));
            });
            foreach (var span in waveSpans)
            {
                spans.Add(span);
                covered = SaturatingAdd(covered, span);
                if (covered >= n - 1)
                {
                    break;
                }
            }
            plannedChunks = spans.Count + (long)Math.Ceiling(Math.Max(0, n - 1 - covered) / meanGap / chunkSize) + 1;
        }
        return Stitch(settings, model, buffers, spans, chunkSize, dead);
    }

    /// <summary>Number of pulses after a click that find the detector dead: pulses j >= 1 with j / R &lt; tau, i.e. ceil(tau R) - 1.</summary>
    internal static long DeadPulses(double deadTimeSeconds, double repetitionRateHz)
        => deadTimeSeconds <= 0 ? 0 : Math.Max(0, (long)Math.Ceiling(deadTimeSeconds * repetitionRateHz - 1e-9) - 1);

    /// <summary>
    /// Turns chunk-relative offsets into pulse indices (prefix sum of chunk spans), drops clicks at or beyond the
    /// last pulse, and splits the silent pulses among the intensities.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static QuantumRecords Stitch(SimulationSettings settings, PulseModel model, Buffers buffers, List<long> spans, int chunkSize, long dead)
    {
        var n = settings.Pulses;
        var indices = buffers.Indices;
        var perIntensity = new long[model.IntensityCount];
        long deadTotal = 0, baseIndex = -1;
        var count = 0;
        for (var c = 0; c < spans.Count; c++)
        {
            var start = c * chunkSize;
            for (var j = start; j < start + chunkSize; j++)
            {
                var index = baseIndex + indices[j];
                if (index >= n)
                {
                    goto done;
                }
                indices[j] = index;
                deadTotal += Math.Min(dead, n - 1 - index);
                perIntensity[buffers.Alice[j] >> 2]++;
                count++;
            }
            baseIndex = SaturatingAdd(baseIndex, spans[c]);
        }
    done:
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
        return new QuantumRecords(count, indices, buffers.Alice, buffers.Bob, buffers.Eve, perIntensity, deadTotal);
    }

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue / 2 - a ? long.MaxValue / 2 : a + b;

    /// <summary>
    /// Draws the clicks of numbered chunk <paramref name="chunkIndex"/> into its slots of the shared buffers
    /// (positions relative to the last click of the previous chunk) and returns the chunk's span in pulses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long GenerateChunk(PulseModel model, int chunkIndex, int size, long dead, double afterpulse, ulong seed, Buffers buffers)
    {
        var random = SimRandom.ForStream(seed, (ulong)chunkIndex);
        var start = chunkIndex * size;
        var offsets = buffers.Indices.AsSpan(start, size);
        var alice = buffers.Alice.AsSpan(start, size);
        var bob = buffers.Bob.AsSpan(start, size);
        var eve = buffers.Eve.AsSpan(start, size);
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
        return position;
    }

    /// <summary>Click records of all chunks, chunk c in slots [c M, (c + 1) M); grown between waves only.</summary>
    private sealed class Buffers(int capacity)
    {
        public long[] Indices = new long[capacity];
        public byte[] Alice = new byte[capacity];
        public byte[] Bob = new byte[capacity];
        public bool[] Eve = new bool[capacity];

        public void EnsureCapacity(int needed)
        {
            if (needed <= Indices.Length)
            {
                return;
            }
            var size = Math.Max(needed, Indices.Length + Indices.Length / 2);
            Array.Resize(ref Indices, size);
            Array.Resize(ref Alice, size);
            Array.Resize(ref Bob, size);
            Array.Resize(ref Eve, size);
        }
    }
}
