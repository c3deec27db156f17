using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Qkd.PostProcessing.Ldpc.LdpcCheckArithmetic;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Syndrome decoder for one <see cref="LdpcCode"/>: layered belief propagation (box-plus sum-product or normalised
/// min-sum check update, <see cref="LdpcCheckRule"/>) on 16-bit
/// fixed-point log-likelihood ratios, the Z checks of a base row processed as vector lanes. Not thread-safe: one
/// decoder per thread (buffers are reused between frames).
/// </summary>
/// <remarks>
/// Min-sum: Fossorier, Mihaljevic, Imai, IEEE Trans. Commun. 47, 673 (1999); normalised min-sum (check messages
/// scaled by alpha &lt; 1): Chen, Fossorier, IEEE Commun. Lett. 6, 208 (2002); layered (row-by-row, "turbo")
/// schedule: Mansour, Shanbhag, IEEE Trans. VLSI 11, 976 (2003); Hocevar, IEEE SiPS 2004. Syndrome decoding:
/// the check constraint is XOR(bits) = s_c, so the sign of every message leaving check c is flipped when s_c = 1
/// (Liveris, Xiong, Georghiades, IEEE Commun. Lett. 6, 440 (2002)).
/// Per layer r and lane j (check c = r Z + j), with t_e = L_v - R_e for its edges e:
/// R_e = (-1)^(s_c + sum_{e' != e} sign t_e') alpha min_{e' != e} |t_e'| (min-sum) or alpha |[+]_{e' != e} t_e'|
/// (box-plus), then L_v = t_e + R_e.
/// LLRs are ln(P(0)/P(1)) times <see cref="LlrScale"/>, clamped to +-<see cref="MaxMagnitude"/> so every sum fits
/// in 16 bits. The scalar path (<c>vectorised: false</c>) is the reference: same arithmetic lane by lane.
/// </remarks>
public sealed partial class LdpcDecoder
{
    /// <summary>Fixed-point units per natural-log LLR unit.</summary>
    public const double LlrScale = 32;

    /// <summary>
    /// The stall test gives an attempt up when its unsatisfied checks fell by less than this over a window [%] (15 since
    /// ldpc6, 10 before: with the start at 0.90, 9 % fewer iterations at the same f at 1 and 2 %; docs/postprocessing.md
    /// section 7).
    /// </summary>
    public const int StallDecreasePercent = 15;

    /// <summary>Largest LLR magnitude [fixed-point units]; shortened (known) bits sit there.</summary>
    public const short MaxMagnitude = 16383;

    private readonly LdpcCode _code;
    private readonly short[] _l;
    private readonly short[] _beliefs;
    private readonly short[] _r;
    private readonly short[] _t;
    private readonly short[] _syndromeMask;
    private readonly byte[] _rowCheck;
    private readonly byte[] _syndromeBits;

    /// <summary>Allocates the buffers for <paramref name="code"/>.</summary>
    public LdpcDecoder(LdpcCode code)
    {
        _code = Guard.NotNull(code);
        _l = new short[code.BaseColumns * Stride];
        _beliefs = new short[code.Length];
        _r = new short[code.BaseEdges * code.LiftingSize];
        _t = new short[code.MaxRowDegree * code.LiftingSize];
        _syndromeMask = new short[code.Checks];
        _rowCheck = new byte[code.LiftingSize];
        _syndromeBits = new byte[code.Checks + 64];
    }

    /// <summary>Iterations the last <see cref="Run"/> performed (successful or not).</summary>
    public int LastIterations { get; private set; }

    /// <summary>The code this decoder decodes.</summary>
    public LdpcCode Code => _code;

    /// <summary>
    /// Whether the box-plus kernel runs 32-lane Vector512 blocks (default where the hardware accelerates them; the
    /// lanes' arithmetic is the same at either width, so the decisions are too: tests turn it off to compare).
    /// </summary>
    internal bool UseVector512 { get; set; } = Vector512.IsHardwareAccelerated;

    /// <summary>The current beliefs L_v (fixed point), one per code bit.</summary>
    public ReadOnlySpan<short> Beliefs => _beliefs;

    /// <summary>
    /// Decodes: finds x with H x = <paramref name="syndrome"/> (one bit per byte) near the channel LLRs. Writes
    /// the hard decisions (one bit per byte) to <paramref name="decided"/>; returns the iterations used, or -1
    /// when <paramref name="maxIterations"/> passed without satisfying every check.
    /// </summary>
    public int Decode(ReadOnlySpan<short> channel, ReadOnlySpan<byte> syndrome, Span<byte> decided, int maxIterations,
        double normalisation = 0.75, bool vectorised = true, LdpcCheckRule rule = LdpcCheckRule.NormalisedMinSum)
    {
        Load(channel, syndrome);
        return Run(decided, maxIterations, normalisation, vectorised, rule: rule);
    }

    /// <summary>Starts a new frame: beliefs = channel LLRs, check messages = 0.</summary>
    public void Load(ReadOnlySpan<short> channel, ReadOnlySpan<byte> syndrome)
    {
        Guard.SameLength(channel.Length, _code.Length, "Channel LLRs");
        Guard.SameLength(syndrome.Length, _code.Checks, "Syndrome");
        _narrowFrame = NarrowLanes;
        LoadBeliefs(channel, _beliefs, _narrowFrame);
        var z = _code.LiftingSize;
        for (var c = 0; c < _code.BaseColumns; c++)
        {
            _beliefs.AsSpan(c * z, z).CopyTo(_l.AsSpan(c * Stride, z));
            RefreshRepeat(c);
        }
        SyndromeMask(syndrome, _syndromeMask);
        if (_narrowFrame)
        {
            LoadNarrow();
        }
        else
        {
            // The 16-bit messages (1.2 MB at 10^5 bits) are cleared only when a frame uses them.
            Array.Clear(_r);
            _wideMessagesUsed = true;
        }
    }

    /// <summary>Clears the beliefs and messages (they carry information about the key).</summary>
    public void Wipe()
    {
        Array.Clear(_l);
        Array.Clear(_beliefs);
        if (_wideMessagesUsed)
        {
            Array.Clear(_r);
            _wideMessagesUsed = false;
        }
        Array.Clear(_t);
        Array.Clear(_r8);
        _narrowMessagesZero = true;
        Array.Clear(_padded);
        _frameBuffers?.Clear();
    }

    /// <summary>Whether every array that held beliefs, messages or decisions is zero (tests pin <see cref="Wipe"/> with it).</summary>
    internal bool HoldsNoFrameState()
        => !_l.AsSpan().ContainsAnyExcept((short)0) && !_beliefs.AsSpan().ContainsAnyExcept((short)0) && !_r.AsSpan().ContainsAnyExcept((short)0)
            && !_t.AsSpan().ContainsAnyExcept((short)0) && !_r8.AsSpan().ContainsAnyExcept((sbyte)0) && !_padded.AsSpan().ContainsAnyExcept((byte)0);

    private LdpcFrameBuffers? _frameBuffers;

    /// <summary>Whether a 16-bit frame wrote <see cref="_r"/> since the last <see cref="Wipe"/>.</summary>
    private bool _wideMessagesUsed;

    /// <summary>Bob's per-frame arrays for this decoder's code (made on first use; zero until used, wiped by <see cref="Wipe"/>).</summary>
    internal LdpcFrameBuffers FrameBuffers => _frameBuffers ??= new LdpcFrameBuffers(_code);

    /// <summary>Fixes variable <paramref name="variable"/> to a known bit (blind reveal) while keeping the messages.</summary>
    public void Pin(int variable, bool bit)
    {
        var value = bit ? (short)-MaxMagnitude : MaxMagnitude;
        SetBelief(variable, value);
        _beliefs[variable] = value;
    }

    /// <summary>
    /// Continues belief propagation from the current state (after <see cref="Load"/>, and after a failed run, so a
    /// blind round resumes instead of starting over); returns the iterations used or -1. With
    /// <paramref name="stallWindow"/> w > 0 it also gives up (-1) when, from iteration 2w on, the number of
    /// unsatisfied checks fell by less than 15 % over the last w iterations. A resumed attempt may pass
    /// <paramref name="stallReference"/> &gt; 0, the unsatisfied checks it starts from (before the reveal): the test then
    /// runs from iteration <paramref name="resumedStallWindow"/> on (w when 0), against that count first.
    /// </summary>
    public int Run(Span<byte> decided, int maxIterations, double normalisation = 0.75, bool vectorised = true, int stallWindow = 0,
        LdpcCheckRule rule = LdpcCheckRule.NormalisedMinSum, int stallReference = 0, int resumedStallWindow = 0)
    {
        var result = Iterate(decided, maxIterations, normalisation, vectorised, stallWindow, rule, stallReference, resumedStallWindow);
        if (_paddedDecisions)
        {
            CopyPaddedDecisions(decided);
        }
        CompactBeliefs();
        return result;
    }

    private int Iterate(Span<byte> decided, int maxIterations, double normalisation, bool vectorised, int stallWindow,
        LdpcCheckRule rule, int stallReference, int resumedStallWindow)
    {
        Guard.SameLength(decided.Length, _code.Length, "Decision buffer");
        Guard.InRange(maxIterations, 1, 10_000);
        Guard.InRange(normalisation, 0.5, 1, "");
        var alpha16 = (short)Math.Round(normalisation * 16);
        var syndrome = _syndromeBits.AsSpan(0, _code.Checks);
        for (var i = 0; i < syndrome.Length; i++)
        {
            syndrome[i] = (byte)(_syndromeMask[i] & 1);
        }
        var vector = vectorised && Vector256.IsHardwareAccelerated;
        var padded = _paddedDecisions = vector && UsePaddedChecks;
        var previousUnsatisfied = stallReference > 0 ? stallReference : int.MaxValue;
        var firstTest = stallReference > 0 ? (resumedStallWindow > 0 ? resumedStallWindow : stallWindow) : 2 * stallWindow;
        var nextTest = stallReference > 0 ? firstTest : stallWindow;
        for (var iteration = 1; iteration <= maxIterations; iteration++)
        {
            LastIterations = iteration;
            for (var row = 0; row < _code.BaseRows; row++)
            {
                if (_narrowFrame)
                {
                    LayerNarrow(row, vector);
                }
                else
                {
                    Layer(row, alpha16, vector, rule);
                }
            }
            if (padded)
            {
                HardDecisionPadded();
            }
            else
            {
                HardDecision(decided);
            }
            if (padded ? SatisfiesPadded() : Satisfies(decided, syndrome))
            {
                return iteration;
            }
            if (stallWindow > 0 && iteration == nextTest)
            {
                // Stall test: a frame whose unsatisfied checks did not fall by StallDecreasePercent over the last
                // window is given up early (the blind round that follows resumes from this state with more known bits).
                var unsatisfied = padded ? UnsatisfiedPadded() : UnsatisfiedChecks(decided, syndrome);
                if (iteration >= firstTest && (long)unsatisfied * 100 > (long)previousUnsatisfied * (100 - StallDecreasePercent))
                {
                    return -1;
                }
                previousUnsatisfied = unsatisfied;
                nextTest += stallWindow;
            }
        }
        return -1;
    }

    private void Layer(int row, short alpha16, bool vector, LdpcCheckRule rule)
    {
        var z = _code.LiftingSize;
        var e0 = _code.RowStart[row];
        var degree = _code.RowStart[row + 1] - e0;
        if (vector && rule == LdpcCheckRule.BoxPlus)
        {
            // In place (LdpcDecoder.Columns.cs). Z is a multiple of 32 (LdpcCode.LiftingGranularity): two blocks of
            // lanes per call, 2 x 32 lanes of Vector512 while they fit, the rest (32 lanes when Z is an odd multiple of
            // 32) as 2 x 16 of Vector256.
            var j = 0;
            if (UseVector512)
            {
                for (; j + 2 * Vector512<short>.Count <= z; j += 2 * Vector512<short>.Count)
                {
                    LanesVectorBoxPlus<Lanes512, Vector512<short>>(row, e0, degree, j, alpha16);
                }
            }
            var wideLanes = j;
            for (; j < z; j += 2 * Vector256<short>.Count)
            {
                LanesVectorBoxPlus<Lanes256, Vector256<short>>(row, e0, degree, j, alpha16);
            }
            ReturnWrappedBlocks(e0, degree, wideLanes);
            return;
        }
        CopyRowIn(e0, degree);
        if (vector)
        {
            for (var j = 0; j < z; j += Vector256<short>.Count)
            {
                LanesVector(row, e0, degree, j, alpha16);
            }
        }
        else
        {
            for (var j = 0; j < z; j++)
            {
                switch (rule)
                {
                    case LdpcCheckRule.BoxPlus:
                        LaneScalarBoxPlus(row, e0, degree, j, alpha16);
                        break;
                    default:
                        LaneScalar(row, e0, degree, j, alpha16);
                        break;
                }
            }
        }
        CopyRowOut(e0, degree);
    }

    /// <summary>
    /// Box-plus check update on two blocks of lanes (j and j + w, w = 16 for Vector256, 32 for Vector512), forward-backward: F_k = |t_0| [+] ... [+]
    /// |t_(k-1)| is kept in the message slot of edge k (its old message was consumed when t_k was formed), then a
    /// backward sweep gives edge k the magnitude F_k [+] B_k, B_k = |t_(k+1)| [+] ... [+] |t_(d-1)|, scaled by alpha.
    /// The two blocks' box-plus chains are independent, so the core overlaps them (one chain is latency-bound).
    /// </summary>
    private void LanesVectorBoxPlus<TL, TV>(int row, int e0, int degree, int j, short alpha16) where TL : struct, ILanes<TV> where TV : struct
    {
        var width = (nuint)TL.Count;
        var z = (nuint)_code.LiftingSize;
        var stride = (nuint)Stride;
        var lane = (nuint)j;
        var edge = (nuint)e0 * z + lane;
        ref var l0 = ref MemoryMarshal.GetArrayDataReference(_l);
        ref var t0 = ref MemoryMarshal.GetArrayDataReference(_t);
        ref var r0 = ref MemoryMarshal.GetArrayDataReference(_r);
        ref var s0 = ref MemoryMarshal.GetArrayDataReference(_syndromeMask);
        ref var column0 = ref MemoryMarshal.GetArrayDataReference(_code.EdgeColumn);
        ref var shift0 = ref MemoryMarshal.GetArrayDataReference(_code.EdgeShift);
        var accA = TL.Load(ref s0, (nuint)row * z + lane);
        var accB = TL.Load(ref s0, (nuint)row * z + lane + width);
        var forwardA = TL.Create(MaxMagnitude);
        var forwardB = forwardA;
        for (var k = 0; k < degree; k++)
        {
            var lOffset = BeliefOffset(ref column0, ref shift0, e0 + k, lane, z, stride);
            var tOffset = (nuint)k * z + lane;
            var rOffset = edge + (nuint)k * z;
            (forwardA, accA) = ForwardStep<TL, TV>(ref l0, ref t0, ref r0, lOffset, tOffset, rOffset, forwardA, accA);
            (forwardB, accB) = ForwardStep<TL, TV>(ref l0, ref t0, ref r0, lOffset + width, tOffset + width, rOffset + width, forwardB, accB);
        }
        var backwardA = TL.Create(MaxMagnitude);
        var backwardB = backwardA;
        var scaled = alpha16 != 16;
        for (var k = degree - 1; k >= 0; k--)
        {
            var lOffset = BeliefOffset(ref column0, ref shift0, e0 + k, lane, z, stride);
            var tOffset = (nuint)k * z + lane;
            var rOffset = edge + (nuint)k * z;
            backwardA = BackwardStep<TL, TV>(ref l0, ref t0, ref r0, lOffset, tOffset, rOffset, backwardA, accA, alpha16, scaled);
            backwardB = BackwardStep<TL, TV>(ref l0, ref t0, ref r0, lOffset + width, tOffset + width, rOffset + width, backwardB, accB, alpha16, scaled);
        }
    }

    /// <summary>Where lane <paramref name="lane"/> of edge <paramref name="e"/> reads its belief: column start + (s + lane) mod Z.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static nuint BeliefOffset(ref int column0, ref int shift0, int e, nuint lane, nuint z, nuint stride)
    {
        var p = (nuint)System.Runtime.CompilerServices.Unsafe.Add(ref shift0, e) + lane;
        if (p >= z)
        {
            p -= z;
        }
        return (nuint)System.Runtime.CompilerServices.Unsafe.Add(ref column0, e) * stride + p;
    }

    private void LaneScalarBoxPlus(int row, int e0, int degree, int j, short alpha16)
    {
        var z = _code.LiftingSize;
        int acc = _syndromeMask[row * z + j];
        var forward = MaxMagnitude;
        for (var k = 0; k < degree; k++)
        {
            var t = (short)Math.Clamp(_t[k * z + j] - _r[(e0 + k) * z + j], -MaxMagnitude, MaxMagnitude);
            _t[k * z + j] = t;
            _r[(e0 + k) * z + j] = forward;
            forward = BoxPlusAnyScalar(forward, (short)Math.Abs(t));
            acc ^= t;
        }
        var backward = MaxMagnitude;
        for (var k = degree - 1; k >= 0; k--)
        {
            var t = _t[k * z + j];
            var magnitude = ScaleScalar(BoxPlusAnyScalar(_r[(e0 + k) * z + j], backward), alpha16);
            backward = BoxPlusAnyScalar(backward, (short)Math.Abs(t));
            var message = (short)(((acc ^ t) & 0x8000) != 0 ? -magnitude : magnitude);
            _r[(e0 + k) * z + j] = message;
            _t[k * z + j] = (short)Math.Clamp(t + message, -MaxMagnitude, MaxMagnitude);
        }
    }
}
