using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Qkd.Bits;
using Qkd.KeyRate;
using Qkd.PostProcessing;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Benchmarks.PostProcessing;

/// <summary>
/// LDPC reconciliation (Alice's syndrome, Bob's decoding and blind rounds, both on the benchmark thread) against
/// Cascade opt. (8) as baseline, 10^5-bit frames at QBER 1/2/5 %, the same 8 seeded inputs as
/// <see cref="CascadeBenchmarks"/>. Codes are built in the setup (first use), as in a running link. Columns:
/// "Mbit/s" = frame bits / mean time; "f" = mean leak / (n h(measured error rate)) and "FER" = failed frames, over
/// <see cref="QualityFrames"/> seeded frames (<c>SimRandom.ForStream(77, i)</c>, the frames of
/// docs/postprocessing.md section 7), computed once per case outside the timed runs; "Attempts" and "Iterations" (LDPC
/// only, 0 for Cascade) are means over the same frames.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class LdpcBenchmarks
{
    private BitString[] _alice = null!;
    private BitString[] _bobTemplate = null!;
    private BitString _bob = null!;
    private CascadeShuffles _shuffles = null!;
    private int _next;

    [Params(100_000)]
    public int Bits { get; set; }

    [Params(0.01, 0.02, 0.05)]
    public double Qber { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_alice, _bobTemplate) = CascadeBenchmarks.Inputs(Bits, Qber);
        _bob = new BitString(Bits);
        _shuffles = new CascadeShuffles(Bits, 99);
        _ = LdpcFramePlan.Choose(Bits, Qber, LdpcOptions.Default);
    }

    private int Next()
    {
        var i = _next++ % _alice.Length;
        _bobTemplate[i].Words.CopyTo(_bob.MutableWords);
        return i;
    }

    [Benchmark(Baseline = true)]
    public long CascadeOpt8()
    {
        var i = Next();
        return CascadeReconciler.Reconcile(new CascadePlan(CascadeVariant.Option8, Qber, _shuffles), _alice[i], _bob).LeakedBits;
    }

    [Benchmark]
    public long Ldpc()
    {
        var i = Next();
        return LdpcReconciler.Reconcile(LdpcOptions.Default, Qber, _alice[i], _bob).LeakedBits;
    }

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(
                new StatColumn("Mbit/s", "Frame bits per second per core [Mbit/s]", 0, (s, c) =>
                    s[c]?.ResultStatistics is { } stats ? ((int)c.Parameters["Bits"] / (stats.Mean * 1e-9) / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-"),
                new StatColumn("f", "Efficiency f = leaked / (n h(measured error rate)), mean over the 100 quality frames", 1, (_, c) => Measure(c).F.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)),
                new StatColumn("FER", "Frames not reconciled out of the 100 quality frames", 2, (_, c) => Measure(c).Failed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new StatColumn("Attempts", "LDPC decoding attempts per frame (1 + blind rounds), mean over the 100 quality frames", 3, (_, c) => Measure(c).Attempts.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)),
                new StatColumn("Iterations", "LDPC belief-propagation iterations per frame, mean over the 100 quality frames", 4, (_, c) => Measure(c).Iterations.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Frames the f and FER columns are measured on.</summary>
    public const int QualityFrames = 100;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (double F, int Failed, double Attempts, double Iterations)> Quality = new();

    private static (double F, int Failed, double Attempts, double Iterations) Measure(BenchmarkCase c)
        => Quality.GetOrAdd(c.Descriptor.WorkloadMethod.Name + "/" + c.Parameters.ValueInfo, _ => MeasureOnce(c));

    /// <summary>The seeded quality frames (<c>SimRandom.ForStream(77, i)</c>, BSC(<paramref name="qber"/>)): Alice's keys and Bob's.</summary>
    internal static (BitString[] Alice, BitString[] Bob) QualityInputs(int bits, double qber, int frames)
    {
        var alice = new BitString[frames];
        var bob = new BitString[frames];
        for (var i = 0; i < frames; i++)
        {
            var random = SimRandom.ForStream(77, (ulong)i);
            alice[i] = BitString.Random(bits, ref random);
            bob[i] = alice[i].Clone();
            BinarySymmetricChannel.Apply(bob[i], qber, ref random);
        }
        return (alice, bob);
    }

    private static (double F, int Failed, double Attempts, double Iterations) MeasureOnce(BenchmarkCase c)
    {
        var bits = (int)c.Parameters["Bits"];
        var qber = (double)c.Parameters["Qber"];
        var (alice, bob) = QualityInputs(bits, qber, QualityFrames);
        var shuffles = new CascadeShuffles(bits, 99);
        double sum = 0;
        var failed = 0;
        long attempts = 0, iterations = 0;
        for (var i = 0; i < alice.Length; i++)
        {
            var errors = alice[i].HammingDistance(bob[i]);
            long leaked;
            if (c.Descriptor.WorkloadMethod.Name == nameof(Ldpc))
            {
                var result = LdpcReconciler.Reconcile(LdpcOptions.Default, qber, alice[i], bob[i]);
                leaked = result.LeakedBits;
                failed += result.Decoded && alice[i].Equals(bob[i]) ? 0 : 1;
                attempts += result.Attempts;
                iterations += result.Iterations;
            }
            else
            {
                leaked = CascadeReconciler.Reconcile(new CascadePlan(CascadeVariant.Option8, qber, shuffles), alice[i], bob[i]).LeakedBits;
                failed += alice[i].Equals(bob[i]) ? 0 : 1;
            }
            sum += leaked / (bits * Entropy.Binary((double)errors / bits));
        }
        return (sum / alice.Length, failed, (double)attempts / alice.Length, (double)iterations / alice.Length);
    }

    private sealed class StatColumn(string name, string legend, int priority, Func<Summary, BenchmarkCase, string> value) : IColumn
    {
        public string Id => name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => priority;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => legend;
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => value(summary, benchmarkCase);
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => value(summary, benchmarkCase);
    }
}
