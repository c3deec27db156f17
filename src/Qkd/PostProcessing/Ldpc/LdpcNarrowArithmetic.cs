using System.Runtime.CompilerServices;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The check-node arithmetic of the decoder's 8-bit-message lanes (<see cref="LdpcDecoder.NarrowLanes"/>), scalar (the
/// reference) and on vector lanes of either width (<see cref="INarrowLanes{TNarrow, TWide}"/>), lane for lane the same.
/// </summary>
/// <remarks>
/// Quantisation: LLRs in units of 1/<see cref="Scale"/> nat. Beliefs L_v and edge inputs t_e = L_v - R_e stay 16-bit
/// (saturating); the check node sees t_e saturated to 8 bits, [-128, 127], and its messages R_e are 8-bit,
/// |R_e| &lt;= 127 (the forward and backward box-plus chains start at 127 for "no input yet"). Narrow messages with wide
/// a-posteriori beliefs is the usual fixed-point layered decoder (Hocevar, IEEE SiPS 2004, Sec. 4: messages and
/// beliefs of different widths, the beliefs wider); with 8-bit beliefs too (tried, docs/postprocessing.md section 7) a
/// saturated belief forgets all but its last messages and the decoder diverges. The box-plus operation
/// |a [+] b| = min(a, b) + c(a + b) - c(|a - b|), c(x) = ln(1 + e^-x) (Hagenauer, Offer, Papke, IEEE Trans. Inf. Theory
/// 42, 429 (1996), Eq. (13)-(15)), takes c from a 32-entry table (a lookup table as in Hu, Eleftheriou, Arnold,
/// Dholakia, GLOBECOM 2001): c(u) = round(S ln(1 + e^(-u/S))), 0 from u = 22 on at S = 8, so indices above 31 read
/// entry 31 exactly. Magnitudes are unsigned bytes (|-128| = 128).
/// </remarks>
internal static class LdpcNarrowArithmetic
{
    /// <summary>Fixed-point units per natural-log LLR unit.</summary>
    public const int Scale = 8;

    /// <summary>Largest check-message magnitude [units]: the forward and backward box-plus chains start here.</summary>
    public const byte MaxMessage = 127;

    /// <summary>Highest table index; c(u) = 0 from u = 22 on at <see cref="Scale"/> = 8, so larger u read entry 31.</summary>
    public const byte TableTop = 31;

    /// <summary>c(u) = round(S ln(1 + e^(-u/S))) for u &lt; 32, repeated to fill <paramref name="length"/> entries (a permute table).</summary>
    public static sbyte[] CorrectionTable(int length)
    {
        var table = new sbyte[length];
        for (var u = 0; u < length; u++)
        {
            table[u] = (sbyte)CorrectionScalar(u % (TableTop + 1));
        }
        return table;
    }

    /// <summary>c(u) = round(S ln(1 + e^(-min(u, 31)/S))) [units].</summary>
    public static int CorrectionScalar(int u) => (int)Math.Round(Scale * Math.Log(1 + Math.Exp(-(double)Math.Min(u, TableTop) / Scale)));

    /// <summary>Units of 1/32 nat (the 16-bit decoder's <see cref="LdpcDecoder.LlrScale"/>) per unit here.</summary>
    private const int Ratio = 32 / Scale;

    /// <summary>
    /// A 16-bit decoder LLR (units of 1/<see cref="LdpcDecoder.LlrScale"/> nat) in units of 1/<see cref="Scale"/> nat,
    /// rounded half away from 0 (integer arithmetic: once per code bit and frame).
    /// </summary>
    public static short Quantise(short llr)
    {
        var magnitude = (Math.Abs((int)llr) + Ratio / 2) / Ratio;
        return (short)(llr < 0 ? -magnitude : magnitude);
    }

    /// <summary>|a [+] b| for 0 &lt;= a, b &lt;= 128: m + c(min(a + b, 255)) - c(max(a, b) - m), m = min(a, b), floored at 0.</summary>
    public static int BoxPlusScalar(int a, int b)
    {
        var m = Math.Min(a, b);
        return Math.Max(0, m + CorrectionScalar(Math.Min(a + b, 255)) - CorrectionScalar(Math.Max(a, b) - m));
    }

    /// <summary>The same on lanes read as unsigned bytes: table indices min(sat(a + b), 31) and min(max - min, 31), one permute each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TN BoxPlusVector<TL, TN, TW>(TN a, TN b) where TL : struct, INarrowLanes<TN, TW> where TN : struct where TW : struct
        => BoxPlusVector<TL, TN, TW>(a, b, TL.Create(TableTop), TL.CorrectionTable);

    /// <summary>
    /// The same with the constants passed in (<paramref name="top"/> = <see cref="TableTop"/> in every lane,
    /// <paramref name="table"/> = the correction table): a kernel makes them once, so its loops hold them in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TN BoxPlusVector<TL, TN, TW>(TN a, TN b, TN top, TN table) where TL : struct, INarrowLanes<TN, TW> where TN : struct where TW : struct
    {
        var m = TL.MinUnsigned(a, b);
        var sum = TL.Lookup(TL.MinUnsigned(TL.AddSaturateUnsigned(a, b), top), table);
        var difference = TL.Lookup(TL.MinUnsigned(TL.Subtract(TL.MaxUnsigned(a, b), m), top), table);
        return TL.SubtractSaturateUnsigned(TL.Add(m, sum), difference);
    }

    /// <summary>
    /// Forward step of one block of lanes and one edge: t = sat16(L - R) (16-bit, into t's slot), the forward partial
    /// into R's slot; returns F [+] |sat8(t)| and the sign parity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TN Forward, TN Parity) ForwardStep<TL, TN, TW>(ref short l0, ref short t0, ref sbyte r0, nuint lOffset, nuint tOffset, nuint rOffset,
        TN forward, TN parity, TN top, TN table) where TL : struct, INarrowLanes<TN, TW> where TN : struct where TW : struct
    {
        var half = (nuint)(TL.Count / 2);
        var (rLow, rHigh) = TL.Unpack(TL.Load(ref r0, rOffset));
        var tLow = TL.SubtractSaturateWide(TL.LoadWide(ref l0, lOffset), rLow);
        var tHigh = TL.SubtractSaturateWide(TL.LoadWide(ref l0, lOffset + half), rHigh);
        TL.StoreWide(tLow, ref t0, tOffset);
        TL.StoreWide(tHigh, ref t0, tOffset + half);
        TL.Store(forward, ref r0, rOffset);
        var t = TL.Pack(tLow, tHigh);
        return (BoxPlusVector<TL, TN, TW>(forward, TL.Abs(t), top, table), TL.Xor(parity, t));
    }

    /// <summary>Backward step: R = sign |F [+] B| (8-bit), L = sat16(t + R); returns B [+] |sat8(t)|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TN BackwardStep<TL, TN, TW>(ref short l0, ref short t0, ref sbyte r0, nuint lOffset, nuint tOffset, nuint rOffset, TN backward, TN parity,
        TN top, TN table)
        where TL : struct, INarrowLanes<TN, TW> where TN : struct where TW : struct
    {
        var half = (nuint)(TL.Count / 2);
        var tLow = TL.LoadWide(ref t0, tOffset);
        var tHigh = TL.LoadWide(ref t0, tOffset + half);
        var t = TL.Pack(tLow, tHigh);
        var message = TL.ApplySign(BoxPlusVector<TL, TN, TW>(TL.Load(ref r0, rOffset), backward, top, table), TL.Xor(parity, t));
        TL.Store(message, ref r0, rOffset);
        var (mLow, mHigh) = TL.Unpack(message);
        TL.StoreWide(TL.AddSaturateWide(tLow, mLow), ref l0, lOffset);
        TL.StoreWide(TL.AddSaturateWide(tHigh, mHigh), ref l0, lOffset + half);
        return BoxPlusVector<TL, TN, TW>(backward, TL.Abs(t), top, table);
    }
}
