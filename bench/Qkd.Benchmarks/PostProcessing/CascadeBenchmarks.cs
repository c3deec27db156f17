using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Qkd.Bits;
using Qkd.KeyRate;
using Qkd.PostProcessing;

namespace Qkd.Benchmarks.PostProcessing;

/// <summary>
/// Cascade reconciliation speed per core (Alice and Bob both on the benchmark thread, messages passed in
/// process) at QBER 1/2/5 % on 10^4 and 10^5-bit blocks, one method per variant, the original protocol as
/// baseline. Columns: "Mbit/s" = block bits / mean time; "f" = mean leaked parities / (n h(QBER)) measured on
/// the same inputs. Shuffles are drawn once per block length (as the pipeline does); inputs from fixed seeds.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class CascadeBenchmarks
{
    private const int Pairs = 8;
    private BitString[] _alice = null!;
    private BitString[] _bobTemplate = null!;
    private BitString _bob = null!;
    private CascadeShuffles _shuffles = null!;
    private int _next;

    [Params(10_000, 100_000)]
    public int Bits { get; set; }

    [Params(0.01, 0.02, 0.05)]
    public double Qber { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_alice, _bobTemplate) = Inputs(Bits, Qber);
        _bob = new BitString(Bits);
        _shuffles = new CascadeShuffles(Bits, 99);
        foreach (var v in CascadeVariant.All)
        {
            _ = new CascadePlan(v, Qber, _shuffles).TotalPasses;
        }
    }

    internal static (BitString[] Alice, BitString[] Bob) Inputs(int bits, double qber)
    {
        var alice = new BitString[Pairs];
        var bob = new BitString[Pairs];
        for (var i = 0; i < Pairs; i++)
        {
            var random = SimRandom.ForStream(2026, (ulong)i);
            alice[i] = BitString.Random(bits, ref random);
            bob[i] = alice[i].Clone();
            BinarySymmetricChannel.Apply(bob[i], qber, ref random);
        }
        return (alice, bob);
    }

    private long Run(CascadeVariant variant)
    {
        var i = _next++ % Pairs;
        _bobTemplate[i].Words.CopyTo(_bob.MutableWords);
        return CascadeReconciler.Reconcile(new CascadePlan(variant, Qber, _shuffles), _alice[i], _bob).LeakedBits;
    }

    [Benchmark(Baseline = true)]
    public long Original() => Run(CascadeVariant.Original);

    [Benchmark]
    public long Biconf() => Run(CascadeVariant.Biconf);

    [Benchmark]
    public long Yan() => Run(CascadeVariant.Yan);

    [Benchmark]
    public long Opt7() => Run(CascadeVariant.Option7);

    [Benchmark]
    public long Opt8() => Run(CascadeVariant.Option8);

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(new ThroughputColumn(), new EfficiencyColumn());
        }
    }

    private static (int Bits, double Qber, CascadeVariant Variant) Case(BenchmarkCase c)
    {
        var bits = (int)c.Parameters["Bits"];
        var qber = (double)c.Parameters["Qber"];
        var variant = c.Descriptor.WorkloadMethod.Name switch
        {
            "Original" => CascadeVariant.Original,
            "Biconf" => CascadeVariant.Biconf,
            "Yan" => CascadeVariant.Yan,
            "Opt7" => CascadeVariant.Option7,
            _ => CascadeVariant.Option8,
        };
        return (bits, qber, variant);
    }

    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "Mbit/s";
        public string ColumnName => "Mbit/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Reconciled block bits per second per core [Mbit/s]";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats)
            {
                return "-";
            }
            var (bits, _, _) = Case(benchmarkCase);
            return (bits / (stats.Mean * 1e-9) / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private sealed class EfficiencyColumn : IColumn
    {
        public string Id => "f";
        public string ColumnName => "f";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 1;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Reconciliation efficiency f = leaked / (n h(QBER)), mean over the 8 benchmark inputs";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var (bits, qber, variant) = Case(benchmarkCase);
            var (alice, bob) = Inputs(bits, qber);
            var shuffles = new CascadeShuffles(bits, 99);
            var sum = 0.0;
            for (var i = 0; i < alice.Length; i++)
            {
                var errors = alice[i].HammingDistance(bob[i]);
                var leaked = CascadeReconciler.Reconcile(new CascadePlan(variant, qber, shuffles), alice[i], bob[i]).LeakedBits;
                sum += leaked / (bits * Entropy.Binary((double)errors / bits));
            }
            return (sum / alice.Length).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
