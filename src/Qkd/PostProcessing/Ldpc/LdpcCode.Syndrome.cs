using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Qkd.Bits;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>The syndrome s = H x of a frame (Alice's announcement, Bob's own frame).</summary>
public sealed partial class LdpcCode
{
    /// <summary>
    /// Syndrome s = H x over GF(2): <paramref name="bits"/> holds one bit per byte (0 or 1, N of them),
    /// <paramref name="syndrome"/> receives M bytes.
    /// </summary>
    /// <remarks>
    /// With Vector512 and Z &gt;= 64 the frame is first copied column by column with a repeat of each column's first
    /// lanes (as the decoder keeps its decisions, LdpcDecoder.PaddedChecks.cs), so the Z bits a circulant feeds into a
    /// base row are one contiguous run and a row's checks are the XOR of one 64-byte load per edge, held in a register;
    /// the copy (key bits) is wiped before its buffer goes back to the pool, and so is the stack block a short last row passes through. <see cref="SyndromeReference"/> is the
    /// slice-by-slice reference it equals.
    /// </remarks>
    public void Syndrome(ReadOnlySpan<byte> bits, Span<byte> syndrome)
    {
        Guard.SameLength(bits.Length, Length, "Frame for the syndrome");
        Guard.SameLength(syndrome.Length, Checks, "Syndrome buffer");
        var z = LiftingSize;
        if (z < 64 || !Vector512.IsHardwareAccelerated)
        {
            SyndromeReference(bits, syndrome);
            return;
        }
        var lanes = PaddedLanes;
        var stride = PaddedStride;
        Span<byte> tail = stackalloc byte[64];
        var buffer = ArrayPool<byte>.Shared.Rent(BaseColumns * stride);
        try
        {
            for (var c = 0; c < BaseColumns; c++)
            {
                var column = bits.Slice(c * z, z);
                var padded = buffer.AsSpan(c * stride, stride);
                column.CopyTo(padded);
                column[..Math.Min(z, lanes)].CopyTo(padded[z..]);
                column[..(lanes - Math.Min(z, lanes))].CopyTo(padded[(2 * z)..]);
            }
            ref var b0 = ref MemoryMarshal.GetArrayDataReference(buffer);
            ref var s0 = ref MemoryMarshal.GetReference(syndrome);
            for (var r = 0; r < BaseRows; r++)
            {
                for (var i = 0; i < z; i += 64)
                {
                    var acc = PaddedRowXor(ref b0, r, i);
                    if (i + 64 <= z)
                    {
                        acc.StoreUnsafe(ref s0, (nuint)(r * z + i));
                    }
                    else
                    {
                        // The last block of a row when 64 does not divide Z.
                        acc.StoreUnsafe(ref MemoryMarshal.GetReference(tail));
                        tail[..(z - i)].CopyTo(syndrome.Slice(r * z + i, z - i));
                    }
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tail);
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, BaseColumns * stride));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The reference of <see cref="Syndrome(ReadOnlySpan{byte}, Span{byte})"/>: two slices XORed per edge.</summary>
    internal void SyndromeReference(ReadOnlySpan<byte> bits, Span<byte> syndrome)
    {
        Guard.SameLength(bits.Length, Length, "Frame for the syndrome");
        Guard.SameLength(syndrome.Length, Checks, "Syndrome buffer");
        var z = LiftingSize;
        for (var r = 0; r < BaseRows; r++)
        {
            var acc = syndrome.Slice(r * z, z);
            acc.Clear();
            for (var e = RowStart[r]; e < RowStart[r + 1]; e++)
            {
                var column = bits.Slice(EdgeColumn[e] * z, z);
                var s = EdgeShift[e];
                XorInto(acc[..(z - s)], column[s..]);
                XorInto(acc[(z - s)..], column[..s]);
            }
        }
    }

    /// <summary>Syndrome of a packed bit string of length N.</summary>
    public BitString Syndrome(BitString word)
    {
        Guard.NotNull(word);
        var bits = new byte[Length];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = word[i] ? (byte)1 : (byte)0;
        }
        var syndrome = new byte[Checks];
        Syndrome(bits, syndrome);
        var result = new BitString(Checks);
        for (var i = 0; i < syndrome.Length; i++)
        {
            result[i] = syndrome[i] != 0;
        }
        return result;
    }

    /// <summary>Lanes of a padded column's repeat: Z rounded up to whole Vector512 blocks.</summary>
    internal int PaddedLanes => (LiftingSize + 63) / 64 * 64;

    /// <summary>
    /// Distance between columns in a padded frame (one byte per bit, each column followed by a repeat of its first
    /// <see cref="PaddedLanes"/> lanes, lane Z + i holding lane i mod Z): the layout of this syndrome's copy and of the
    /// decoder's padded decisions.
    /// </summary>
    internal int PaddedStride => LiftingSize + PaddedLanes;

    /// <summary>
    /// XOR over base row <paramref name="row"/>'s edges of the 64 padded bytes each circulant feeds into checks
    /// row Z + <paramref name="lane"/>.. (<paramref name="padded"/>: a frame in the <see cref="PaddedStride"/> layout).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Vector512<byte> PaddedRowXor(ref byte padded, int row, int lane)
    {
        var stride = (nuint)PaddedStride;
        ref var column0 = ref MemoryMarshal.GetArrayDataReference(EdgeColumn);
        ref var shift0 = ref MemoryMarshal.GetArrayDataReference(EdgeShift);
        var acc = Vector512<byte>.Zero;
        for (var e = RowStart[row]; e < RowStart[row + 1]; e++)
        {
            acc ^= Vector512.LoadUnsafe(ref padded, (nuint)Unsafe.Add(ref column0, e) * stride + (nuint)Unsafe.Add(ref shift0, e) + (nuint)lane);
        }
        return acc;
    }
}
