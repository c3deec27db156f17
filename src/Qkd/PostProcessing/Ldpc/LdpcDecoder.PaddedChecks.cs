using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The stopping and stall tests on padded decisions: the hard decisions are kept column by column, each column followed
/// by a repeat of its first lanes, so the Z decisions a circulant with shift s feeds into a base row's checks,
/// (s + j) mod Z for j = 0..Z-1, are one contiguous run; a row's check values are then the XOR of one run per edge,
/// 64 lanes per Vector512 held in a register over the row's edges (the reference, <c>RowChecks</c>, XORs two slices of
/// bytes per edge through memory). Same decisions and counts; the caller's decision buffer is written once per
/// <see cref="Run"/>.
/// </summary>
public sealed partial class LdpcDecoder
{
    private byte[] _padded = [];
    private bool _paddedDecisions;

    /// <summary>Whether the vector path keeps padded decisions (Vector512 and Z &gt;= 64; tests turn it off to compare).</summary>
    internal bool UsePaddedChecks { get; set; } = Vector512.IsHardwareAccelerated;

    /// <summary>Lanes of each column's repeat (<see cref="LdpcCode.PaddedLanes"/>).</summary>
    private int PaddedLanes => _code.PaddedLanes;

    /// <summary>Distance between columns of the padded decisions (<see cref="LdpcCode.PaddedStride"/>, the layout the code's syndrome uses too).</summary>
    private int PaddedStride => _code.PaddedStride;

    /// <summary>Unsatisfied checks of the decisions of the last <see cref="Run"/> (<paramref name="decided"/> is its decision buffer).</summary>
    internal int UnsatisfiedChecksOfLastRun(ReadOnlySpan<byte> decided) => _paddedDecisions ? UnsatisfiedPadded() : UnsatisfiedChecks(decided);

    private void HardDecisionPadded()
    {
        var z = _code.LiftingSize;
        if (_padded.Length == 0)
        {
            _padded = new byte[_code.BaseColumns * PaddedStride];
        }
        ref var l0 = ref MemoryMarshal.GetArrayDataReference(_l);
        ref var d0 = ref MemoryMarshal.GetArrayDataReference(_padded);
        var zz = (nuint)z;
        var wrap = (nuint)(PaddedLanes - z);
        for (var c = 0; c < _code.BaseColumns; c++)
        {
            var l = (nuint)(c * Stride);
            var d = (nuint)(c * PaddedStride);
            // Each block of decisions goes to the head and to the repeat (lane Z + i repeats lane i).
            nuint i = 0;
            for (; i + 64 <= zz; i += 64)
            {
                var low = Vector512.ShiftRightLogical(Vector512.LoadUnsafe(ref l0, l + i).AsUInt16(), 15);
                var high = Vector512.ShiftRightLogical(Vector512.LoadUnsafe(ref l0, l + i + 32).AsUInt16(), 15);
                var bits = NarrowBits(low, high);
                bits.StoreUnsafe(ref d0, d + i);
                bits.StoreUnsafe(ref d0, d + zz + i);
            }
            for (; i < zz; i += 32)
            {
                var low = Vector256.ShiftRightLogical(Vector256.LoadUnsafe(ref l0, l + i).AsUInt16(), 15);
                var high = Vector256.ShiftRightLogical(Vector256.LoadUnsafe(ref l0, l + i + 16).AsUInt16(), 15);
                var bits = Vector256.Narrow(low, high);
                bits.StoreUnsafe(ref d0, d + i);
                bits.StoreUnsafe(ref d0, d + zz + i);
            }
            if (wrap > 0)
            {
                // Z an odd multiple of 32: the repeat's last 32 lanes are lanes 0..31 again.
                Vector256.LoadUnsafe(ref d0, d).StoreUnsafe(ref d0, d + 2 * zz);
            }
        }
    }

    /// <summary>
    /// The 0/1 words of <paramref name="low"/> then <paramref name="high"/> as 64 bytes in order: one unsigned pack
    /// (it interleaves the two inputs per 128-bit lane) and one qword permute to undo the interleave, where AVX-512BW
    /// runs them; <see cref="Vector512.Narrow(Vector512{ushort}, Vector512{ushort})"/> elsewhere.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> NarrowBits(Vector512<ushort> low, Vector512<ushort> high)
    {
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported)
        {
            var packed = System.Runtime.Intrinsics.X86.Avx512BW.PackUnsignedSaturate(low.AsInt16(), high.AsInt16());
            return System.Runtime.Intrinsics.X86.Avx512F.PermuteVar8x64(packed.AsUInt64(), Vector512.Create(0UL, 2, 4, 6, 1, 3, 5, 7)).AsByte();
        }
        return Vector512.Narrow(low, high);
    }

    /// <summary>Unsatisfied checks of base row <paramref name="r"/>, stopping at the first when <paramref name="any"/>.</summary>
    private int RowUnsatisfiedPadded(int r, bool any)
    {
        var z = _code.LiftingSize;
        ref var d0 = ref MemoryMarshal.GetArrayDataReference(_padded);
        ref var s0 = ref MemoryMarshal.GetArrayDataReference(_syndromeBits);
        var count = 0;
        for (var i = 0; i < z; i += 64)
        {
            var acc = Vector512.LoadUnsafe(ref s0, (nuint)(r * z + i)) ^ _code.PaddedRowXor(ref d0, r, i);
            var unsatisfied = (~Vector512.Equals(acc, Vector512<byte>.Zero)).ExtractMostSignificantBits();
            if (z - i < 64)
            {
                unsatisfied &= (1UL << (z - i)) - 1;
            }
            count += BitOperations.PopCount(unsatisfied);
            if (any && count > 0)
            {
                return count;
            }
        }
        return count;
    }

    private bool SatisfiesPadded()
    {
        for (var r = 0; r < _code.BaseRows; r++)
        {
            if (RowUnsatisfiedPadded(r, any: true) > 0)
            {
                return false;
            }
        }
        return true;
    }

    private int UnsatisfiedPadded()
    {
        var count = 0;
        for (var r = 0; r < _code.BaseRows; r++)
        {
            count += RowUnsatisfiedPadded(r, any: false);
        }
        return count;
    }

    /// <summary>The padded decisions' heads into the caller's buffer.</summary>
    private void CopyPaddedDecisions(Span<byte> decided)
    {
        var z = _code.LiftingSize;
        for (var c = 0; c < _code.BaseColumns; c++)
        {
            _padded.AsSpan(c * PaddedStride, z).CopyTo(decided.Slice(c * z, z));
        }
    }
}
