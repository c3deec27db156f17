using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The check-node arithmetic of <see cref="LdpcDecoder"/> on 16-bit fixed-point LLRs, scalar (the reference) and on
/// 16 vector lanes: the normalisation by alpha, the box-plus correction c(u) ~ 32 ln(1 + e^(-u/32)) in two chords
/// (Hu, Eleftheriou, Arnold, Dholakia, GLOBECOM 2001, the "correction term" form of the box-plus operation
/// |a [+] b| = min(a, b) + ln(1 + e^-(a+b)) - ln(1 + e^-|a-b|)), and the forward and backward steps of one edge
/// of the box-plus kernel. Pure functions; the decoder owns the schedule and the buffers.
/// </summary>
internal static class LdpcCheckArithmetic
{
    /// <summary>floor(m alpha16 / 16) without 16-bit overflow: (m >> 4) alpha16 + ((m &amp; 15) alpha16 >> 4).</summary>
    internal static Vector256<short> ScaleVector(Vector256<short> m, short alpha16)
    {
        var a = Vector256.Create(alpha16);
        return Vector256.ShiftRightArithmetic(m, 4) * a + Vector256.ShiftRightArithmetic((m & Vector256.Create((short)15)) * a, 4);
    }

    internal static short ScaleScalar(short m, short alpha16) => (short)(((m >> 4) * alpha16) + (((m & 15) * alpha16) >> 4));

    /// <summary>The correction c(u) of <see cref="CorrectionScalar"/> on 16 lanes.</summary>
    internal static Vector256<short> CorrectionVector(Vector256<short> u)
    {
        var c = Vector256.Min(u, Vector256.Create(CorrectionCap)) * Vector256.Create((short)3);
        var steep = Vector256.Create((short)22) - Vector256.ShiftRightArithmetic(c, 3);
        var shallow = Vector256.Create((short)11) - Vector256.ShiftRightArithmetic(c, 5);
        return Vector256.Max(Vector256.Max(steep, shallow), Vector256<short>.Zero);
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

    /// <summary>Forward step of one edge: t = clamp(L - R), the forward partial into R's slot; returns F [+] |t| and the sign parity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<short> Forward, Vector256<short> Parity) ForwardStep(ref short t0, ref short r0, nuint tOffset, nuint rOffset,
        Vector256<short> forward, Vector256<short> parity)
    {
        var t = Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref t0, tOffset) - Vector256.LoadUnsafe(ref r0, rOffset),
            Vector256.Create((short)-LdpcDecoder.MaxMagnitude)), Vector256.Create(LdpcDecoder.MaxMagnitude));
        t.StoreUnsafe(ref t0, tOffset);
        forward.StoreUnsafe(ref r0, rOffset);
        return (BoxPlusAnyVector(forward, Vector256.Abs(t)), parity ^ t);
    }

    /// <summary>Backward step of one edge: R = sign * alpha |F [+] B|, L = clamp(t + R); returns B [+] |t|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<short> BackwardStep(ref short t0, ref short r0, nuint tOffset, nuint rOffset, Vector256<short> backward,
        Vector256<short> parity, short alpha16)
    {
        var t = Vector256.LoadUnsafe(ref t0, tOffset);
        var magnitude = ScaleVector(BoxPlusAnyVector(Vector256.LoadUnsafe(ref r0, rOffset), backward), alpha16);
        var sign = Vector256.ShiftRightArithmetic(parity ^ t, 15);
        var message = (magnitude ^ sign) - sign;
        message.StoreUnsafe(ref r0, rOffset);
        Vector256.Min(Vector256.Max(t + message, Vector256.Create((short)-LdpcDecoder.MaxMagnitude)), Vector256.Create(LdpcDecoder.MaxMagnitude)).StoreUnsafe(ref t0, tOffset);
        return BoxPlusAnyVector(backward, Vector256.Abs(t));
    }

    /// <summary>|a [+] b| for a, b &gt;= 0 in any order: min(a, b) + c(a + b) - c(|a - b|), floored at 0.</summary>
    internal static Vector256<short> BoxPlusAnyVector(Vector256<short> a, Vector256<short> b)
        => Vector256.Max(Vector256<short>.Zero, Vector256.Min(a, b) + CorrectionVector(a + b) - CorrectionVector(Vector256.Abs(a - b)));

    internal static short BoxPlusAnyScalar(short a, short b)
        => (short)Math.Max(0, Math.Min(a, b) + CorrectionScalar(a + b) - CorrectionScalar(Math.Abs(a - b)));
}
