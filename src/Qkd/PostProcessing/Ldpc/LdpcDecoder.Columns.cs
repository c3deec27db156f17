using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Where the decoder keeps its beliefs: column by column (one base column = Z variables), each column followed by
/// <see cref="ColumnPad"/> lanes that repeat its first ones (lane Z + i holds lane i mod Z). A base row reads the Z
/// variables of a column rotated by the circulant's shift s: lanes j..j+w-1 are variables (s + j) mod Z onwards. With
/// the repeat, any block of up to 64 lanes is one contiguous load starting at (s + j) mod Z, so the box-plus kernel
/// reads and writes the beliefs in place instead of copying every column into rotated order and back each layer;
/// after a layer the one block per edge that ran into the repeat is copied back to the column's head and the repeat
/// is refreshed. The scalar and min-sum paths keep the rotated copies (the reference), on the same storage.
/// </summary>
public sealed partial class LdpcDecoder
{
    /// <summary>Lanes repeated after each column: the widest block the kernel loads (two 32-lane Vector512 blocks).</summary>
    private const int ColumnPad = 64;

    /// <summary>Distance between the starts of two columns in <see cref="_l"/>.</summary>
    private int Stride => _code.LiftingSize + ColumnPad;

    /// <summary>Sets variable <paramref name="v"/>'s belief and its repeats.</summary>
    private void SetBelief(int v, short value)
    {
        var z = _code.LiftingSize;
        var column = v / z;
        var lane = v - column * z;
        var start = column * Stride;
        for (var m = lane; m < z + ColumnPad; m += z)
        {
            _l[start + m] = value;
        }
    }

    /// <summary>Rewrites the repeat of <paramref name="column"/> from its Z lanes.</summary>
    private void RefreshRepeat(int column)
    {
        var z = _code.LiftingSize;
        var head = _l.AsSpan(column * Stride, z + ColumnPad);
        for (var m = z; m < z + ColumnPad; m += z)
        {
            head[..Math.Min(z, z + ColumnPad - m)].CopyTo(head[m..]);
        }
    }

    /// <summary>
    /// After the kernel wrote a row in place: the lanes of each edge's column that the block crossing the column's end
    /// wrote into the repeat go back to the column's head, then the repeat is refreshed.
    /// </summary>
    private void ReturnWrappedBlocks(int e0, int degree, int wideLanes)
    {
        var z = _code.LiftingSize;
        var wide = Vector512.IsHardwareAccelerated && z >= ColumnPad;
        for (var k = 0; k < degree; k++)
        {
            var column = _code.EdgeColumn[e0 + k];
            var wrapped = WrappedLanes(_code.EdgeShift[e0 + k], wideLanes);
            var start = column * Stride;
            if (wide)
            {
                ReturnWrappedLanes((nuint)start, (nuint)z, wrapped);
                continue;
            }
            _l.AsSpan(start + z, wrapped).CopyTo(_l.AsSpan(start, wrapped));
            RefreshRepeat(column);
        }
    }

    /// <summary>
    /// The same for one column with Z &gt;= 64, in four Vector512 loads and four stores (no copy calls): the head's first
    /// 64 lanes take the repeat's lanes below <paramref name="wrapped"/>, then the repeat takes the head's.
    /// </summary>
    private void ReturnWrappedLanes(nuint start, nuint z, int wrapped)
    {
        ref var l0 = ref MemoryMarshal.GetArrayDataReference(_l);
        var count = Vector512.Create((short)wrapped);
        var low = Vector512<short>.Indices;
        var high = low + Vector512.Create((short)Vector512<short>.Count);
        var width = (nuint)Vector512<short>.Count;
        var headLow = Vector512.ConditionalSelect(Vector512.LessThan(low, count), Vector512.LoadUnsafe(ref l0, start + z), Vector512.LoadUnsafe(ref l0, start));
        var headHigh = Vector512.ConditionalSelect(Vector512.LessThan(high, count), Vector512.LoadUnsafe(ref l0, start + z + width),
            Vector512.LoadUnsafe(ref l0, start + width));
        headLow.StoreUnsafe(ref l0, start);
        headHigh.StoreUnsafe(ref l0, start + width);
        headLow.StoreUnsafe(ref l0, start + z);
        headHigh.StoreUnsafe(ref l0, start + z + width);
    }

    /// <summary>
    /// How many of a column's first variables the kernel wrote through the repeat for shift <paramref name="s"/>: the
    /// block (64 lanes up to <paramref name="wideLanes"/>, 32 after) holding lane (Z - s) mod Z, which is variable 0,
    /// unless that block starts there.
    /// </summary>
    private int WrappedLanes(int s, int wideLanes)
    {
        var z = _code.LiftingSize;
        var zero = (z - s) % z;
        var (first, width) = zero < wideLanes
            ? (zero - zero % (2 * 32), 2 * 32)
            : (zero - (zero - wideLanes) % 32, 32);
        return first == zero ? 0 : s + first + width - z;
    }

    /// <summary>Copies the beliefs, column by column, to the contiguous <see cref="Beliefs"/>.</summary>
    private void CompactBeliefs()
    {
        var z = _code.LiftingSize;
        for (var c = 0; c < _code.BaseColumns; c++)
        {
            _l.AsSpan(c * Stride, z).CopyTo(_beliefs.AsSpan(c * z, z));
        }
    }

    /// <summary>Rotated copies of the row's columns into <see cref="_t"/> (scalar and min-sum paths).</summary>
    private void CopyRowIn(int e0, int degree)
    {
        var z = _code.LiftingSize;
        for (var k = 0; k < degree; k++)
        {
            var column = _l.AsSpan(_code.EdgeColumn[e0 + k] * Stride, z);
            var s = _code.EdgeShift[e0 + k];
            var t = _t.AsSpan(k * z, z);
            column[s..].CopyTo(t);
            column[..s].CopyTo(t[(z - s)..]);
        }
    }

    /// <summary>The rotated copies back into the columns, and their repeats refreshed.</summary>
    private void CopyRowOut(int e0, int degree)
    {
        var z = _code.LiftingSize;
        for (var k = 0; k < degree; k++)
        {
            var c = _code.EdgeColumn[e0 + k];
            var column = _l.AsSpan(c * Stride, z);
            var s = _code.EdgeShift[e0 + k];
            var t = _t.AsSpan(k * z, z);
            t[..(z - s)].CopyTo(column[s..]);
            t[(z - s)..].CopyTo(column[..s]);
            RefreshRepeat(c);
        }
    }
}
