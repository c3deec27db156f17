using System.Collections.Immutable;
using System.Runtime.Intrinsics;
using Qkd.Bits;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// A quasi-cyclic LDPC code: a base matrix of <see cref="BaseRows"/> x <see cref="BaseColumns"/> entries, each
/// either empty or a Z x Z circulant permutation (the identity cyclically shifted by s), Z =
/// <see cref="LiftingSize"/>. Check r Z + j of base row r meets variable c Z + ((j + s) mod Z) of base column c.
/// Built deterministically from a public seed (<see cref="Build"/>); immutable and shared by every block.
/// </summary>
/// <remarks>
/// Construction (documented in docs/postprocessing.md, "LDPC"): column degrees from
/// <see cref="LdpcDegreeProfile"/>; each column takes the rows of lowest current degree (random ties), so check
/// degrees are concentrated on two values; each circulant shift is drawn at random and redrawn while it closes a
/// 4-cycle in the lifted graph (Fossorier, "Quasi-cyclic LDPC codes from circulant permutation matrices", IEEE
/// Trans. Inf. Theory 50, 1788 (2004), Theorem 2: s1 - s2 + s3 - s4 != 0 mod Z). The QC structure lets the
/// layered decoder process the Z checks of a base row as vector lanes.
/// Puncturing candidates follow untainted puncturing (Elkouss, Martinez-Mateo, Martin, "Untainted puncturing for
/// irregular LDPC codes", IEEE Wireless Commun. Lett. 1, 585 (2012)): no check has two punctured neighbours.
/// </remarks>
public sealed partial class LdpcCode
{
    /// <summary>Lifting sizes are multiples of this (the decoder's vector width in 16-bit lanes, twice).</summary>
    public const int LiftingGranularity = 32;

    private LdpcCode(int baseRows, int baseColumns, int liftingSize, double rate, ulong seed, int[] rowStart, int[] edgeColumn,
        int[] edgeShift, int[] edgeRow, int[] columnStart, int[] columnEdges)
    {
        BaseRows = baseRows;
        BaseColumns = baseColumns;
        LiftingSize = liftingSize;
        DesignRate = rate;
        Seed = seed;
        RowStart = rowStart;
        EdgeColumn = edgeColumn;
        EdgeShift = edgeShift;
        EdgeRow = edgeRow;
        ColumnStart = columnStart;
        ColumnEdges = columnEdges;
        var maxRow = 0;
        for (var r = 0; r < baseRows; r++)
        {
            maxRow = Math.Max(maxRow, rowStart[r + 1] - rowStart[r]);
        }
        MaxRowDegree = maxRow;
        PuncturingOrder = UntaintedOrder();
    }

    /// <summary>Base rows m_b.</summary>
    public int BaseRows { get; }

    /// <summary>Base columns n_b.</summary>
    public int BaseColumns { get; }

    /// <summary>Circulant size Z.</summary>
    public int LiftingSize { get; }

    /// <summary>Code length N = n_b Z [bits].</summary>
    public int Length => BaseColumns * LiftingSize;

    /// <summary>Parity checks M = m_b Z (syndrome bits).</summary>
    public int Checks => BaseRows * LiftingSize;

    /// <summary>Rate the code was designed for; the actual rate is 1 - M/N.</summary>
    public double DesignRate { get; }

    /// <summary>Public construction seed.</summary>
    public ulong Seed { get; }

    /// <summary>Edges (non-empty circulants) of the base matrix.</summary>
    public int BaseEdges => EdgeColumn.Length;

    /// <summary>Largest check degree.</summary>
    public int MaxRowDegree { get; }

    /// <summary>Variables that may be punctured, in the order they are used: no two share a check.</summary>
    public ImmutableArray<int> PuncturingOrder { get; }

    internal int[] RowStart { get; }

    internal int[] EdgeColumn { get; }

    internal int[] EdgeShift { get; }

    internal int[] EdgeRow { get; }

    internal int[] ColumnStart { get; }

    internal int[] ColumnEdges { get; }

    /// <summary>Degree of variable <paramref name="variable"/>.</summary>
    public int VariableDegree(int variable) => ColumnStart[variable / LiftingSize + 1] - ColumnStart[variable / LiftingSize];

    /// <summary>The checks variable <paramref name="variable"/> takes part in.</summary>
    public int[] ChecksOf(int variable)
    {
        Guard.InRange(variable, 0, Length - 1);
        var z = LiftingSize;
        var c = variable / z;
        var i = variable % z;
        var checks = new int[ColumnStart[c + 1] - ColumnStart[c]];
        for (var k = 0; k < checks.Length; k++)
        {
            var e = ColumnEdges[ColumnStart[c] + k];
            checks[k] = EdgeRow[e] * z + (i - EdgeShift[e] + z) % z;
        }
        return checks;
    }

    /// <summary>destination ^= source, bytewise.</summary>
    internal static void XorInto(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        var i = 0;
        for (; i + Vector256<byte>.Count <= destination.Length; i += Vector256<byte>.Count)
        {
            (Vector256.Create(destination.Slice(i, Vector256<byte>.Count)) ^ Vector256.Create(source.Slice(i, Vector256<byte>.Count)))
                .CopyTo(destination.Slice(i, Vector256<byte>.Count));
        }
        for (; i < destination.Length; i++)
        {
            destination[i] ^= source[i];
        }
    }

    /// <summary>
    /// Builds the code of <paramref name="baseColumns"/> x Z bits for design rate <paramref name="rate"/> from
    /// <paramref name="seed"/>; the same arguments always give the same code.
    /// </summary>
    public static LdpcCode Build(int baseColumns, int liftingSize, double rate, ulong seed)
    {
        Guard.InRange(baseColumns, 16, 4096);
        Guard.InRange(liftingSize, LiftingGranularity, 1 << 16);
        Guard.SameLength(liftingSize % LiftingGranularity, 0, $"Lifting size modulo {LiftingGranularity}");
        Guard.InRange(rate, 0.3, 0.97, "");
        var random = SimRandom.ForStream(seed, (ulong)(rate * 1e6) ^ ((ulong)baseColumns << 32) ^ ((ulong)liftingSize << 48));
        var rows = Math.Max(3, (int)Math.Round((1 - rate) * baseColumns));
        var degrees = ColumnDegrees(baseColumns, rows, LdpcDegreeProfile.ForRate(rate), ref random);
        var shift = new int[rows, baseColumns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < baseColumns; c++)
            {
                shift[r, c] = -1;
            }
        }
        var rowDegree = new int[rows];
        var rowColumns = new List<int>[rows];
        for (var r = 0; r < rows; r++)
        {
            rowColumns[r] = [];
        }
        var order = new int[baseColumns];
        for (var c = 0; c < baseColumns; c++)
        {
            order[c] = c;
        }
        Array.Sort(order, (a, b) => degrees[b].CompareTo(degrees[a]) is var d && d != 0 ? d : a.CompareTo(b));
        var keys = new double[rows];
        var candidates = new int[rows];
        var chosen = new List<int>();
        var staircase = 0;
        foreach (var c in order)
        {
            if (degrees[c] == 2 && staircase < rows - 1)
            {
                // Degree-2 columns form a staircase (rows i, i+1): a path in the base graph, so its lift has no cycle.
                chosen.Clear();
                foreach (var r in (ReadOnlySpan<int>)[staircase, staircase + 1])
                {
                    shift[r, c] = DrawShift(shift, rowColumns, chosen, r, c, liftingSize, ref random);
                    chosen.Add(r);
                    rowColumns[r].Add(c);
                    rowDegree[r]++;
                }
                staircase++;
                continue;
            }
            for (var r = 0; r < rows; r++)
            {
                candidates[r] = r;
                keys[r] = rowDegree[r] + random.NextDouble() * 0.5;
            }
            Array.Sort((double[])keys.Clone(), candidates);
            chosen.Clear();
            for (var k = 0; k < degrees[c]; k++)
            {
                var r = candidates[k];
                shift[r, c] = DrawShift(shift, rowColumns, chosen, r, c, liftingSize, ref random);
                chosen.Add(r);
                rowColumns[r].Add(c);
                rowDegree[r]++;
            }
        }
        return Assemble(rows, baseColumns, liftingSize, rate, seed, shift);
    }

    private static int[] ColumnDegrees(int columns, int rows, LdpcDegreeProfile profile, ref SimRandom random)
    {
        // Node counts per degree by largest remainder; degree 2 capped at rows - 1 (the staircase), the excess
        // going to the next degree.
        var fractions = profile.NodeFractions();
        var counts = new int[fractions.Length];
        var assigned = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = (int)Math.Floor(fractions[i] * columns);
            assigned += counts[i];
        }
        while (assigned < columns)
        {
            var best = 0;
            for (var i = 1; i < counts.Length; i++)
            {
                if (fractions[i] * columns - counts[i] > fractions[best] * columns - counts[best])
                {
                    best = i;
                }
            }
            counts[best]++;
            assigned++;
        }
        if (profile.Degrees[0] == 2 && counts[0] > rows - 1 && counts.Length > 1)
        {
            counts[1] += counts[0] - (rows - 1);
            counts[0] = rows - 1;
        }
        var degrees = new int[columns];
        var c = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            for (var k = 0; k < counts[i]; k++)
            {
                degrees[c++] = Math.Min(rows, profile.Degrees[i]);
            }
        }
        for (var i = columns - 1; i > 0; i--)
        {
            var j = (int)random.NextBelow((ulong)i + 1);
            (degrees[i], degrees[j]) = (degrees[j], degrees[i]);
        }
        return degrees;
    }

    /// <summary>A shift for entry (r, c) that closes no 4-cycle with the entries already placed (random retries).</summary>
    private static int DrawShift(int[,] shift, List<int>[] rowColumns, List<int> chosen, int r, int c, int z, ref SimRandom random)
    {
        var s = 0;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            s = (int)random.NextBelow((ulong)z);
            if (!ClosesFourCycle(shift, rowColumns, chosen, r, c, s, z))
            {
                return s;
            }
        }
        return s;
    }

    private static bool ClosesFourCycle(int[,] shift, List<int>[] rowColumns, List<int> chosen, int r, int c, int s, int z)
    {
        foreach (var r2 in chosen)
        {
            var s2 = shift[r2, c];
            foreach (var c2 in rowColumns[r])
            {
                var a = shift[r2, c2];
                if (a >= 0 && ((s - s2 + a - shift[r, c2]) % z + 2 * z) % z == 0)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static LdpcCode Assemble(int rows, int columns, int z, double rate, ulong seed, int[,] shift)
    {
        var rowStart = new int[rows + 1];
        var edgeColumn = new List<int>();
        var edgeShift = new List<int>();
        var edgeRow = new List<int>();
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                if (shift[r, c] >= 0)
                {
                    edgeColumn.Add(c);
                    edgeShift.Add(shift[r, c]);
                    edgeRow.Add(r);
                }
            }
            rowStart[r + 1] = edgeColumn.Count;
        }
        var columnStart = new int[columns + 1];
        foreach (var c in edgeColumn)
        {
            columnStart[c + 1]++;
        }
        for (var c = 0; c < columns; c++)
        {
            columnStart[c + 1] += columnStart[c];
        }
        var fill = (int[])columnStart.Clone();
        var columnEdges = new int[edgeColumn.Count];
        for (var e = 0; e < edgeColumn.Count; e++)
        {
            columnEdges[fill[edgeColumn[e]]++] = e;
        }
        return new LdpcCode(rows, columns, z, rate, seed, rowStart, [.. edgeColumn], [.. edgeShift], [.. edgeRow], columnStart, columnEdges);
    }

    /// <summary>
    /// Untainted puncturing candidates: variables by ascending degree (seeded random order within a degree), each
    /// taken when none of its checks already has a punctured neighbour.
    /// </summary>
    private ImmutableArray<int> UntaintedOrder()
    {
        var random = SimRandom.ForStream(Seed, 0x70C7);
        var n = Length;
        var keys = new double[n];
        var variables = new int[n];
        for (var v = 0; v < n; v++)
        {
            variables[v] = v;
            keys[v] = VariableDegree(v) + random.NextDouble() * 0.5;
        }
        Array.Sort(keys, variables);
        var tainted = new bool[Checks];
        var order = ImmutableArray.CreateBuilder<int>();
        foreach (var v in variables)
        {
            var checks = ChecksOf(v);
            var free = true;
            foreach (var check in checks)
            {
                free &= !tainted[check];
            }
            if (!free)
            {
                continue;
            }
            foreach (var check in checks)
            {
                tainted[check] = true;
            }
            order.Add(v);
        }
        return order.ToImmutable();
    }
}
