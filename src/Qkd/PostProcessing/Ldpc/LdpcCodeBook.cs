using System.Collections.Concurrent;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The code family, built on first use and cached for the process: for a key of n bits the frame is
/// N = n_b Z >= n / (1 - delta) bits (Z a multiple of 32 near N / 240), and the mother codes have rates
/// R_i = 0.40 + i * step up to 0.96. A code is a deterministic function of (n_b, Z, R_i, seed), so the cache is a
/// memo, not state: both parties (and every process) build bit-identical codes. Decoders (buffers) are pooled
/// per code.
/// </summary>
public static class LdpcCodeBook
{
    /// <summary>Lowest mother-code rate.</summary>
    public const double LowestRate = 0.40;

    /// <summary>Highest mother-code rate.</summary>
    public const double HighestRate = 0.96;

    private const int TargetBaseColumns = 240;

    private static readonly ConcurrentDictionary<(int Columns, int Lifting, int RateIndex, double Step, ulong Seed), Lazy<Entry>> Codes = new();

    /// <summary>Frame geometry for an n-bit key: base columns and lifting size.</summary>
    public static (int BaseColumns, int LiftingSize) Geometry(int keyBits, double frameSlack)
    {
        Guard.InRange(keyBits, 256, 1 << 24);
        var frame = keyBits / (1 - frameSlack);
        var g = LdpcCode.LiftingGranularity;
        var z = Math.Max(g, (int)Math.Ceiling(frame / TargetBaseColumns / g) * g);
        var columns = (int)Math.Ceiling(frame / z);
        return (Math.Max(columns, 16), z);
    }

    /// <summary>Number of mother rates in the family for <paramref name="step"/>.</summary>
    public static int RateCount(double step) => (int)Math.Floor((HighestRate - LowestRate) / step + 1e-9) + 1;

    /// <summary>Design rate of mother code <paramref name="index"/>.</summary>
    public static double Rate(int index, double step) => LowestRate + index * step;

    /// <summary>Syndrome bits M of mother code <paramref name="index"/> (known before it is built).</summary>
    public static int Checks(int baseColumns, int liftingSize, int index, double step)
        => Math.Max(3, (int)Math.Round((1 - Rate(index, step)) * baseColumns)) * liftingSize;

    /// <summary>The code for an n-bit key and mother-rate index, built on first use.</summary>
    public static LdpcCode Get(int keyBits, int rateIndex, LdpcOptions options) => EntryFor(keyBits, rateIndex, options).Code;

    /// <summary>Takes a decoder for the code of (n, rate index) from its pool (or makes one).</summary>
    internal static LdpcDecoder RentDecoder(int keyBits, int rateIndex, LdpcOptions options)
    {
        var entry = EntryFor(keyBits, rateIndex, options);
        return entry.Decoders.TryTake(out var decoder) ? decoder : new LdpcDecoder(entry.Code);
    }

    /// <summary>Returns a decoder to its code's pool.</summary>
    internal static void ReturnDecoder(int keyBits, int rateIndex, LdpcOptions options, LdpcDecoder decoder)
        => EntryFor(keyBits, rateIndex, options).Decoders.Add(decoder);

    private static Entry EntryFor(int keyBits, int rateIndex, LdpcOptions options)
    {
        Guard.NotNull(options);
        Guard.InRange(rateIndex, 0, RateCount(options.RateStep) - 1);
        var (columns, z) = Geometry(keyBits, options.FrameSlack);
        var key = (columns, z, rateIndex, options.RateStep, options.CodeSeed);
        return Codes.GetOrAdd(key, k => new Lazy<Entry>(() =>
            new Entry(LdpcCode.Build(k.Columns, k.Lifting, Rate(k.RateIndex, k.Step), k.Seed)))).Value;
    }

    private sealed class Entry(LdpcCode code)
    {
        public LdpcCode Code { get; } = code;

        public ConcurrentBag<LdpcDecoder> Decoders { get; } = [];
    }
}
