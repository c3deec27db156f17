using System.Numerics;
using System.Runtime.InteropServices;

namespace Qkd.Gateway.Sealing;

/// <summary>destination[i] = a[i] XOR b[i]: the one-time pad. Vectorised with a scalar tail; <see cref="XorScalar"/> is the reference.</summary>
public static class PadXor
{
    public static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        if (b.Length < a.Length || destination.Length < a.Length)
        {
            throw new ArgumentException($"Pad and destination must be at least as long as the input ({a.Length} bytes), but were {b.Length} and {destination.Length} bytes.");
        }
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<byte>.Count)
        {
            var va = MemoryMarshal.Cast<byte, Vector<byte>>(a);
            var vb = MemoryMarshal.Cast<byte, Vector<byte>>(b[..a.Length]);
            var vd = MemoryMarshal.Cast<byte, Vector<byte>>(destination[..a.Length]);
            for (var k = 0; k < va.Length; k++)
            {
                vd[k] = va[k] ^ vb[k];
            }
            i = va.Length * Vector<byte>.Count;
        }
        for (; i < a.Length; i++)
        {
            destination[i] = (byte)(a[i] ^ b[i]);
        }
    }

    /// <summary>Byte-by-byte reference.</summary>
    public static void XorScalar(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        for (var i = 0; i < a.Length; i++)
        {
            destination[i] = (byte)(a[i] ^ b[i]);
        }
    }
}
