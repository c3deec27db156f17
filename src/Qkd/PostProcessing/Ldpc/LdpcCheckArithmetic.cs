using System.Runtime.CompilerServices;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The check-node arithmetic of <see cref="LdpcDecoder"/> on 16-bit fixed-point LLRs, scalar (the reference) and on
/// vector lanes of either width (generic over <see cref="ILanes{TVector}"/>: Vector256 and Vector512 run the same
/// source, lane for lane): the normalisation by alpha, the box-plus correction c(u) ~ 32 ln(1 + e^(-u/32)) in two chords
/// (Hu, Eleftheriou, Arnold, Dholakia, GLOBECOM 2001, the "correction term" form of the box-plus operation
/// |a [+] b| = min(a, b) + ln(1 + e^-(a+b)) - ln(1 + e^-|a-b|)), and the forward and backward steps of one edge
/// of the box-plus kernel. Pure functions; the decoder owns the schedule and the buffers.
/// </summary>
internal static class LdpcCheckArithmetic
{
    /// <summary>
    /// floor(m alpha16 / 16) without 16-bit overflow: (m >> 4) alpha16 + ((m &amp; 15) alpha16 >> 4); the identity when
    /// alpha16 = 16 (alpha = 1, the box-plus default), which the box-plus kernel skips.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ScaleVector<TL, TV>(TV m, short alpha16) where TL : struct, ILanes<TV> where TV : struct
    {
        var a = TL.Create(alpha16);
        return TL.Add(TL.Multiply(TL.ShiftRightArithmetic(m, 4), a), TL.ShiftRightArithmetic(TL.Multiply(TL.And(m, TL.Create(15)), a), 4));
    }

    internal static short ScaleScalar(short m, short alpha16) => (short)(((m >> 4) * alpha16) + (((m & 15) * alpha16) >> 4));

    /// <summary>
    /// The correction c(u) of <see cref="CorrectionScalar"/> on every lane, for 0 &lt;= u &lt;= 32766, in five
    /// instructions: floor(3u/8) as the high half of u 24576 (exact for every 16-bit u, so no cap is needed against
    /// overflow) and floor(3u/32) = floor(floor(3u/8) / 4) by a shift, the chords 22 - 3u/8 and 11 - 3u/32 floored at 0 by unsigned saturating
    /// subtraction, then their maximum. Equal to the scalar lane by lane: for u &gt; 255 both chords are below 0 either
    /// way (<c>LdpcDecoderTests.CorrectionVector_EqualsScalar_Everywhere</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV CorrectionVector<TL, TV>(TV u) where TL : struct, ILanes<TV> where TV : struct
    {
        var eighths = TL.MultiplyHighUnsigned(u, 3 << 13);
        var steep = TL.SubtractSaturateUnsigned(TL.Create(22), eighths);
        var shallow = TL.SubtractSaturateUnsigned(TL.Create(11), TL.ShiftRightArithmetic(eighths, 2));
        return TL.Max(steep, shallow);
    }

    private const short CorrectionCap = 255;

    /// <summary>
    /// c(u) ~ 32 ln(1 + e^(-u/32)) for u &gt;= 0 in fixed-point units: max(22 - 3u/8, 11 - 3u/32, 0) (integer
    /// shifts, u capped at 255). Two chords of ln(1 + e^-x): through x = 0 and 1, and through x = 1.5 and 3; the
    /// error is below 0.0625 natural units (2 fixed-point units; largest, 1.98, at u = 74) everywhere (pinned by
    /// <c>LdpcDecoderTests.Correction_ApproximatesLogOnePlusExp</c>).
    /// </summary>
    internal static int CorrectionScalar(int u)
    {
        var c = Math.Min(u, CorrectionCap) * 3;
        return Math.Max(Math.Max(22 - (c >> 3), 11 - (c >> 5)), 0);
    }

    /// <summary>
    /// Forward step of one edge: t = clamp(L - R) from the belief at <paramref name="lOffset"/> into t's slot, the forward
    /// partial into R's slot; returns F [+] |t| and the sign parity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (TV Forward, TV Parity) ForwardStep<TL, TV>(ref short l0, ref short t0, ref short r0, nuint lOffset, nuint tOffset, nuint rOffset,
        TV forward, TV parity) where TL : struct, ILanes<TV> where TV : struct
    {
        var t = TL.Min(TL.Max(TL.Subtract(TL.Load(ref l0, lOffset), TL.Load(ref r0, rOffset)), TL.Create(-LdpcDecoder.MaxMagnitude)),
            TL.Create(LdpcDecoder.MaxMagnitude));
        TL.Store(t, ref t0, tOffset);
        TL.Store(forward, ref r0, rOffset);
        return (BoxPlusAnyVector<TL, TV>(forward, TL.Abs(t)), TL.Xor(parity, t));
    }

    /// <summary>
    /// Backward step of one edge: R = sign * alpha |F [+] B| (unscaled when <paramref name="scaled"/> is false, alpha =
    /// 1), the belief L = clamp(t + R) back at <paramref name="lOffset"/>; returns B [+] |t|.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV BackwardStep<TL, TV>(ref short l0, ref short t0, ref short r0, nuint lOffset, nuint tOffset, nuint rOffset, TV backward, TV parity,
        short alpha16, bool scaled) where TL : struct, ILanes<TV> where TV : struct
    {
        var t = TL.Load(ref t0, tOffset);
        var magnitude = BoxPlusAnyVector<TL, TV>(TL.Load(ref r0, rOffset), backward);
        if (scaled)
        {
            magnitude = ScaleVector<TL, TV>(magnitude, alpha16);
        }
        var sign = TL.ShiftRightArithmetic(TL.Xor(parity, t), 15);
        var message = TL.Subtract(TL.Xor(magnitude, sign), sign);
        TL.Store(message, ref r0, rOffset);
        TL.Store(TL.Min(TL.Max(TL.Add(t, message), TL.Create(-LdpcDecoder.MaxMagnitude)), TL.Create(LdpcDecoder.MaxMagnitude)), ref l0, lOffset);
        return BoxPlusAnyVector<TL, TV>(backward, TL.Abs(t));
    }

    /// <summary>
    /// |a [+] b| for a, b &gt;= 0 in any order: min(a, b) + c(a + b) - c(|a - b|), floored at 0 (one unsigned saturating
    /// subtraction: both operands are non-negative 16-bit numbers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV BoxPlusAnyVector<TL, TV>(TV a, TV b) where TL : struct, ILanes<TV> where TV : struct
        => TL.SubtractSaturateUnsigned(TL.Add(TL.Min(a, b), CorrectionVector<TL, TV>(TL.Add(a, b))), CorrectionVector<TL, TV>(TL.Abs(TL.Subtract(a, b))));

    internal static short BoxPlusAnyScalar(short a, short b)
        => (short)Math.Max(0, Math.Min(a, b) + CorrectionScalar(a + b) - CorrectionScalar(Math.Abs(a - b)));
}
