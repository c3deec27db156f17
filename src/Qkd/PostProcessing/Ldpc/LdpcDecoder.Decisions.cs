using System.Runtime.Intrinsics;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>The decoder's hard decisions and the checks they satisfy (stopping and stall tests).</summary>
public sealed partial class LdpcDecoder
{
    /// <summary>Checks the decisions <paramref name="decided"/> leave unsatisfied (after a <see cref="Run"/>).</summary>
    internal int UnsatisfiedChecks(ReadOnlySpan<byte> decided) => UnsatisfiedChecks(decided, _syndromeBits);

    private int UnsatisfiedChecks(ReadOnlySpan<byte> decided, ReadOnlySpan<byte> syndrome)
    {
        var count = 0;
        for (var r = 0; r < _code.BaseRows; r++)
        {
            var acc = RowChecks(r, decided, syndrome);
            count += acc.Length - acc.Count((byte)0);
        }
        return count;
    }

    /// <summary>The Z check values (0 = satisfied) of base row <paramref name="r"/> for the decisions.</summary>
    private Span<byte> RowChecks(int r, ReadOnlySpan<byte> decided, ReadOnlySpan<byte> syndrome)
    {
        var z = _code.LiftingSize;
        var acc = _rowCheck.AsSpan();
        syndrome.Slice(r * z, z).CopyTo(acc);
        for (var e = _code.RowStart[r]; e < _code.RowStart[r + 1]; e++)
        {
            var column = decided.Slice(_code.EdgeColumn[e] * z, z);
            var s = _code.EdgeShift[e];
            LdpcCode.XorInto(acc[..(z - s)], column[s..]);
            LdpcCode.XorInto(acc[(z - s)..], column[..s]);
        }
        return acc;
    }

    private void HardDecision(Span<byte> decided)
    {
        var z = _code.LiftingSize;
        for (var c = 0; c < _code.BaseColumns; c++)
        {
            var column = _l.AsSpan(c * Stride, z);
            var bits = decided.Slice(c * z, z);
            var i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var one = Vector256.Create((byte)1);
                for (; i + 2 * Vector256<short>.Count <= z; i += 2 * Vector256<short>.Count)
                {
                    var lo = Vector256.ShiftRightLogical(Vector256.Create(column.Slice(i, Vector256<short>.Count)).AsUInt16(), 15);
                    var hi = Vector256.ShiftRightLogical(Vector256.Create(column.Slice(i + Vector256<short>.Count, Vector256<short>.Count)).AsUInt16(), 15);
                    (Vector256.Narrow(lo, hi) & one).CopyTo(bits.Slice(i, Vector256<byte>.Count));
                }
            }
            for (; i < z; i++)
            {
                bits[i] = column[i] < 0 ? (byte)1 : (byte)0;
            }
        }
    }

    private bool Satisfies(ReadOnlySpan<byte> decided, ReadOnlySpan<byte> syndrome)
    {
        for (var r = 0; r < _code.BaseRows; r++)
        {
            if (RowChecks(r, decided, syndrome).ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }
        return true;
    }
}
