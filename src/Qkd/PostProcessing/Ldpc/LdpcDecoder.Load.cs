using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>A frame's start in vectors: the channel LLRs to beliefs, the syndrome to its sign mask (<see cref="Load"/>).</summary>
public sealed partial class LdpcDecoder
{
    /// <summary>
    /// beliefs = channel clamped to +-<see cref="MaxMagnitude"/>, and for a narrow frame every magnitude below the
    /// maximum quantised to 1/<see cref="LdpcNarrowArithmetic.Scale"/> nat (<see cref="LdpcNarrowArithmetic.Quantise"/>,
    /// lane by lane the same: (|x| + 2) / 4 with x's sign). One vector pass; the scalar tail is the reference.
    /// </summary>
    internal static void LoadBeliefs(ReadOnlySpan<short> channel, Span<short> beliefs, bool narrow)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var max = Vector256.Create(MaxMagnitude);
            var min = Vector256.Create((short)-MaxMagnitude);
            var two = Vector256.Create((short)2);
            ref var c0 = ref MemoryMarshal.GetReference(channel);
            ref var b0 = ref MemoryMarshal.GetReference(beliefs);
            for (; i + Vector256<short>.Count <= channel.Length; i += Vector256<short>.Count)
            {
                var x = Vector256.Clamp(Vector256.LoadUnsafe(ref c0, (nuint)i), min, max);
                if (narrow)
                {
                    var magnitude = Vector256.Abs(x);
                    var q = Vector256.ShiftRightArithmetic(magnitude + two, 2);
                    q = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<short>.Zero), -q, q);
                    x = Vector256.ConditionalSelect(Vector256.Equals(magnitude, max), x, q);
                }
                x.StoreUnsafe(ref b0, (nuint)i);
            }
        }
        for (; i < channel.Length; i++)
        {
            var x = Math.Clamp(channel[i], (short)-MaxMagnitude, MaxMagnitude);
            beliefs[i] = narrow && Math.Abs((int)x) != MaxMagnitude ? LdpcNarrowArithmetic.Quantise(x) : x;
        }
    }

    /// <summary>mask[i] = -1 where syndrome[i] != 0, else 0.</summary>
    private static void SyndromeMask(ReadOnlySpan<byte> syndrome, Span<short> mask)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var s0 = ref MemoryMarshal.GetReference(syndrome);
            ref var m0 = ref MemoryMarshal.GetReference(mask);
            for (; i + Vector256<byte>.Count <= syndrome.Length; i += Vector256<byte>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref s0, (nuint)i));
                (~Vector256.Equals(low, Vector256<ushort>.Zero)).AsInt16().StoreUnsafe(ref m0, (nuint)i);
                (~Vector256.Equals(high, Vector256<ushort>.Zero)).AsInt16().StoreUnsafe(ref m0, (nuint)i + (nuint)Vector256<short>.Count);
            }
        }
        for (; i < syndrome.Length; i++)
        {
            mask[i] = syndrome[i] != 0 ? (short)-1 : (short)0;
        }
    }
}
