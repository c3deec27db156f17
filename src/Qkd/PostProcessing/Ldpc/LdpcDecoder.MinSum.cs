using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Qkd.PostProcessing.Ldpc.LdpcCheckArithmetic;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The normalised min-sum check update (Chen, Fossorier, IEEE Commun. Lett. 6, 208 (2002)), on 16 Vector256 lanes and
/// lane by lane (the reference), on the rotated copies of the row's beliefs in <see cref="_t"/>.
/// </summary>
public sealed partial class LdpcDecoder
{
    private void LanesVector(int row, int e0, int degree, int j, short alpha16)
    {
        var (z, lane, edge, acc) = LaneBlock(row, e0, j);
        ref var t0 = ref MemoryMarshal.GetArrayDataReference(_t);
        ref var r0 = ref MemoryMarshal.GetArrayDataReference(_r);
        var max = Vector256.Create(MaxMagnitude);
        var min = Vector256.Create((short)-MaxMagnitude);
        var min1 = max;
        var min2 = max;
        var index = Vector256<short>.Zero;
        var kv = Vector256<short>.Zero;
        var oneV = Vector256<short>.One;
        for (var k = 0; k < degree; k++)
        {
            var tOffset = (nuint)k * z + lane;
            var t = Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref t0, tOffset) - Vector256.LoadUnsafe(ref r0, edge + (nuint)k * z), min), max);
            t.StoreUnsafe(ref t0, tOffset);
            var a = Vector256.Abs(t);
            acc ^= t;
            var less = Vector256.LessThan(a, min1);
            min2 = Vector256.ConditionalSelect(less, min1, Vector256.Min(min2, a));
            min1 = Vector256.Min(min1, a);
            index = Vector256.ConditionalSelect(less, kv, index);
            kv += oneV;
        }
        var m1 = ScaleVector<Lanes256, Vector256<short>>(min1, alpha16);
        var m2 = ScaleVector<Lanes256, Vector256<short>>(min2, alpha16);
        kv = Vector256<short>.Zero;
        for (var k = 0; k < degree; k++)
        {
            var tOffset = (nuint)k * z + lane;
            var t = Vector256.LoadUnsafe(ref t0, tOffset);
            var magnitude = Vector256.ConditionalSelect(Vector256.Equals(index, kv), m2, m1);
            var sign = Vector256.ShiftRightArithmetic(acc ^ t, 15);
            var message = (magnitude ^ sign) - sign;
            message.StoreUnsafe(ref r0, edge + (nuint)k * z);
            Vector256.Min(Vector256.Max(t + message, min), max).StoreUnsafe(ref t0, tOffset);
            kv += oneV;
        }
    }

    /// <summary>
    /// Where lanes j..j+15 of base row <paramref name="row"/> live: Z, the lane offset, the offset of their first
    /// edge message (edge e0) and the syndrome signs they start from (min-sum kernel).
    /// </summary>
    private (nuint Z, nuint Lane, nuint Edge, Vector256<short> Syndrome) LaneBlock(int row, int e0, int j)
    {
        var z = (nuint)_code.LiftingSize;
        var lane = (nuint)j;
        return (z, lane, (nuint)e0 * z + lane,
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_syndromeMask), (nuint)row * z + lane));
    }

    private void LaneScalar(int row, int e0, int degree, int j, short alpha16)
    {
        var z = _code.LiftingSize;
        int acc = _syndromeMask[row * z + j];
        short min1 = MaxMagnitude, min2 = MaxMagnitude, index = 0;
        for (var k = 0; k < degree; k++)
        {
            var t = (short)Math.Clamp(_t[k * z + j] - _r[(e0 + k) * z + j], -MaxMagnitude, MaxMagnitude);
            _t[k * z + j] = t;
            var a = (short)Math.Abs(t);
            acc ^= t;
            if (a < min1)
            {
                min2 = min1;
                min1 = a;
                index = (short)k;
            }
            else
            {
                min2 = Math.Min(min2, a);
            }
        }
        var m1 = ScaleScalar(min1, alpha16);
        var m2 = ScaleScalar(min2, alpha16);
        for (var k = 0; k < degree; k++)
        {
            var t = _t[k * z + j];
            var magnitude = k == index ? m2 : m1;
            var message = (short)(((acc ^ t) & 0x8000) != 0 ? -magnitude : magnitude);
            _r[(e0 + k) * z + j] = message;
            _t[k * z + j] = (short)Math.Clamp(t + message, -MaxMagnitude, MaxMagnitude);
        }
    }
}
