using Qkd.Bits;
using Qkd.KeyRate;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Where an n-bit key sits in an N-bit code frame: p punctured positions (Alice fills them with fresh random bits
/// nobody else knows), s shortened positions (value 0, known to both), and n key positions; plus the blind
/// schedule (bits revealed per round, rounds). Public: Alice sends (mother-rate index, p, s, rounds, step) and Bob
/// derives the same plan.
/// </summary>
/// <remarks>
/// Rate adaptation: Elkouss, Martinez-Mateo, Lancho, Martin, "Rate compatible protocol for information
/// reconciliation: an application to QKD", IEEE ITW 2010, arXiv:1006.2660, Eq. (1)-(3): a mother code of rate
/// R_0 = 1 - M/N with p punctured and s shortened bits has rate R = (N - M - s) / (N - p - s), and the key
/// (n = N - p - s bits) is disclosed M - p bits. That count is exact here: punctured positions are untainted (no
/// check sees two of them), so the M x p submatrix H_p has full column rank p and the syndrome of the uniform
/// punctured bits, H_p x_p, is uniform on a p-dimensional space: I(key; syndrome) &lt;= M - rank(H_p) = M - p.
/// Blind reconciliation (Martinez-Mateo, Elkouss, Martin, "Blind reconciliation", Quantum Inf. Comput. 12, 791
/// (2012), Sec. 3): after a failed decoding Alice reveals the values of the next punctured positions, which become
/// shortened; past the punctured bits Alice reveals key bits in a public seeded order (<see cref="LdpcRevealOrder.Fixed"/>).
/// With <see cref="LdpcRevealOrder.LeastReliable"/> (the default) Bob names the positions instead and only the sizes
/// (<see cref="RevealInRound(int)"/>, at most <see cref="Revealable"/> in all) come from the plan. Each revealed bit
/// adds one to the leak.
/// Choice: leak_start = ceil(f_start n h(Q)); the mother code is the highest rate whose M covers
/// leak_start + min(all reveals, ceil(reserve n h(Q)), N - n) (reserve = <see cref="LdpcOptions.PunctureReserve"/>),
/// so p = M - leak_start (capped by the untainted candidates and by the slack N - n); round k reveals
/// <see cref="RevealInRound(int)"/>(k) bits; the blind rounds end early when the revealable bits run out.
/// </remarks>
public sealed class LdpcFramePlan
{
    private LdpcFramePlan(LdpcCode code, int keyBits, int rateIndex, int punctured, int shortened, int rounds, int revealPerRound, int revealGrowthRounds)
    {
        RevealGrowthRounds = revealGrowthRounds;
        Code = code;
        KeyBits = keyBits;
        RateIndex = rateIndex;
        Punctured = punctured;
        Shortened = shortened;
        Rounds = rounds;
        RevealPerRound = revealPerRound;
        var n = code.Length;
        var role = new byte[n];
        PuncturedPositions = new int[punctured];
        for (var i = 0; i < punctured; i++)
        {
            PuncturedPositions[i] = code.PuncturingOrder[i];
            role[PuncturedPositions[i]] = 1;
        }
        ShortenedPositions = new int[shortened];
        var random = SimRandom.ForStream(code.Seed, 0x5407);
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        var taken = 0;
        for (var i = 0; taken < shortened; i++)
        {
            var j = i + (int)random.NextBelow((ulong)(n - i));
            (order[i], order[j]) = (order[j], order[i]);
            if (role[order[i]] == 0)
            {
                role[order[i]] = 2;
                ShortenedPositions[taken++] = order[i];
            }
        }
        KeyPositions = new int[keyBits];
        var k = 0;
        for (var v = 0; v < n; v++)
        {
            if (role[v] == 0)
            {
                KeyPositions[k++] = v;
            }
        }
        Guard.SameLength(k, keyBits, "Key positions of the LDPC frame");
    }

    private int[]? _keyRevealOrder;

    /// <summary>Bits the blind rounds can reveal in all: the punctured bits and up to half the key bits.</summary>
    public int Revealable => Punctured + KeyBits / 2;

    /// <summary>Frame position of the <paramref name="index"/>-th revealed bit: punctured bits first, then key bits.</summary>
    public int RevealPosition(int index)
    {
        Guard.InRange(index, 0, Revealable - 1);
        return index < Punctured ? PuncturedPositions[index] : KeyRevealOrder()[index - Punctured];
    }

    /// <summary>
    /// Key positions in the public seeded order reveals past the punctured bits disclose them (a random subset, so no
    /// structure of the code is favoured); built on first use, as most frames never get there.
    /// </summary>
    private int[] KeyRevealOrder()
    {
        if (_keyRevealOrder is null)
        {
            var order = (int[])KeyPositions.Clone();
            var shuffle = SimRandom.ForStream(Code.Seed, 0x4E7E);
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = (int)shuffle.NextBelow((ulong)i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            _keyRevealOrder = order;
        }
        return _keyRevealOrder;
    }

    /// <summary>The mother code.</summary>
    public LdpcCode Code { get; }

    /// <summary>n: key bits in the frame.</summary>
    public int KeyBits { get; }

    /// <summary>Index of the mother code in the family.</summary>
    public int RateIndex { get; }

    /// <summary>p: punctured bits.</summary>
    public int Punctured { get; }

    /// <summary>s: shortened bits.</summary>
    public int Shortened { get; }

    /// <summary>Blind rounds available after the first decoding.</summary>
    public int Rounds { get; }

    /// <summary>Punctured bits revealed per blind round.</summary>
    public int RevealPerRound { get; }

    /// <summary>Rounds after which the reveal grows by <see cref="RevealPerRound"/> (0: every round reveals the same).</summary>
    public int RevealGrowthRounds { get; }

    /// <summary>Bits revealed in blind round <paramref name="round"/> (0-based), before the cap by the bits left.</summary>
    public int RevealInRound(int round) => RevealInRound(round, RevealPerRound, RevealGrowthRounds);

    private static int RevealInRound(int round, int revealPerRound, int growthRounds)
        => revealPerRound * (1 + (growthRounds > 0 ? round / growthRounds : 0));

    private static int TotalReveal(int rounds, int revealPerRound, int growthRounds)
    {
        var total = 0;
        for (var k = 0; k < rounds; k++)
        {
            total += RevealInRound(k, revealPerRound, growthRounds);
        }
        return total;
    }

    /// <summary>Leak of the first message about the key: M - p [bits].</summary>
    public int InitialLeakBits => Code.Checks - Punctured;

    /// <summary>Frame positions of the punctured bits, in reveal order.</summary>
    public int[] PuncturedPositions { get; }

    /// <summary>Frame positions of the shortened bits.</summary>
    public int[] ShortenedPositions { get; }

    /// <summary>Frame positions of the key bits, ascending.</summary>
    public int[] KeyPositions { get; }

    /// <summary>Effective code rate (N - M - s) / (N - p - s).</summary>
    public double EffectiveRate => (double)(Code.Length - Code.Checks - Shortened) / KeyBits;

    /// <summary>Alice's choice for an n-bit key at QBER estimate <paramref name="qber"/>.</summary>
    public static LdpcFramePlan Choose(int keyBits, double qber, LdpcOptions options)
    {
        options = Guard.NotNull(options).Validated();
        var h = Entropy.Binary(Math.Clamp(qber, 1e-3, 0.2));
        var start = (int)Math.Ceiling(options.StartEfficiencyFor(qber) * keyBits * h);
        var reveal = Math.Max(1, (int)Math.Ceiling(options.RevealEfficiencyStep * keyBits * h));
        var (columns, z) = LdpcCodeBook.Geometry(keyBits, options.FrameSlack);
        var slack = columns * z - keyBits;
        // The reveals come out of the punctured bits, p = M - leak_start <= slack: a code with a larger M would
        // raise the first leak above f_start, so the reserve is capped at the slack, and when the code that covers
        // it overshoots the slack (M moves in steps of about RateStep N), the next higher rate is taken instead
        // (fewer reveals available, first leak exact).
        var reserve = Math.Min(TotalReveal(options.BlindRounds, reveal, options.RevealGrowthRounds),
            (int)Math.Ceiling(options.PunctureReserve * keyBits * h));
        var needed = start + Math.Min(reserve, slack);
        var index = 0;
        for (var i = LdpcCodeBook.RateCount(options.RateStep) - 1; i >= 0; i--)
        {
            if (LdpcCodeBook.Checks(columns, z, i, options.RateStep) >= needed)
            {
                index = i;
                break;
            }
        }
        if (LdpcCodeBook.Checks(columns, z, index, options.RateStep) - start > slack
            && index + 1 < LdpcCodeBook.RateCount(options.RateStep)
            && LdpcCodeBook.Checks(columns, z, index + 1, options.RateStep) > start)
        {
            index++;
        }
        var code = LdpcCodeBook.Get(keyBits, index, options);
        var punctured = Math.Clamp(code.Checks - start, 0, Math.Min(slack, code.PuncturingOrder.Length));
        return Cached(code, keyBits, index, punctured, slack - punctured, options.BlindRounds, reveal, options.RevealGrowthRounds);
    }

    /// <summary>Bob's copy of the plan Alice announced; throws when the announcement does not fit the key.</summary>
    public static LdpcFramePlan FromAnnouncement(int keyBits, int rateIndex, int punctured, int shortened, int rounds, int revealPerRound, LdpcOptions options)
    {
        options = Guard.NotNull(options).Validated();
        var code = LdpcCodeBook.Get(keyBits, rateIndex, options);
        Guard.InRange(punctured, 0, code.PuncturingOrder.Length);
        Guard.SameLength(punctured + shortened, code.Length - keyBits, "Punctured plus shortened bits of the LDPC frame");
        Guard.InRange(rounds, 0, LdpcOptions.MaxBlindRounds);
        Guard.InRange(revealPerRound, 1, code.Length);
        return Cached(code, keyBits, rateIndex, punctured, shortened, rounds, revealPerRound, options.RevealGrowthRounds);
    }

    /// <summary>
    /// Plans are public and immutable, so equal announcements share one: building one costs ~0.4 ms and ~1 MB of
    /// position arrays per party and frame (docs/postprocessing.md section 7), and the frames of a link mostly
    /// repeat a few. At most <see cref="CachedPlans"/> are kept (the cache starts over beyond that).
    /// </summary>
    private static LdpcFramePlan Cached(LdpcCode code, int keyBits, int rateIndex, int punctured, int shortened, int rounds, int revealPerRound, int growthRounds)
    {
        var key = (code, keyBits, rateIndex, punctured, shortened, rounds, revealPerRound, growthRounds);
        if (Plans.TryGetValue(key, out var plan))
        {
            return plan;
        }
        if (Plans.Count >= CachedPlans)
        {
            Plans.Clear();
        }
        return Plans.GetOrAdd(key, k => new LdpcFramePlan(k.code, k.keyBits, k.rateIndex, k.punctured, k.shortened, k.rounds, k.revealPerRound, k.growthRounds));
    }

    private const int CachedPlans = 64;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(LdpcCode code, int keyBits, int rateIndex, int punctured, int shortened, int rounds, int revealPerRound, int growthRounds), LdpcFramePlan> Plans = new();
}
