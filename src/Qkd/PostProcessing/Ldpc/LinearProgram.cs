namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// A small dense linear program solver: maximise c x subject to A x &lt;= b (rows flagged as equalities hold with
/// =), x &gt;= 0. Two-phase tableau simplex with Bland's rule (Dantzig, "Linear programming and extensions", 1963;
/// Bland, Math. Oper. Res. 2, 103 (1977), which guarantees termination). Used offline-sized problems only (tens of
/// variables, hundreds of rows), by <see cref="LdpcProfileDesign"/>.
/// </summary>
internal static class LinearProgram
{
    private const double Epsilon = 1e-11;

    /// <summary>The optimal x, or null when the constraints are infeasible or the objective unbounded.</summary>
    // ~95 lines on purpose: the two phases share one tableau and its basis, and the textbook order (set up, phase 1,
    // drive out artificials, phase 2, read x) is easiest to check against Dantzig in one piece; it runs offline only.
    public static double[]? Maximise(double[] objective, double[][] rows, double[] bounds, bool[] isEquality)
    {
        var m = rows.Length;
        var n = objective.Length;
        var artificialStart = n + m;
        var width = n + 2 * m + 1;
        var t = new double[m + 1][];
        var basis = new int[m];
        for (var i = 0; i < m; i++)
        {
            t[i] = new double[width];
            var sign = bounds[i] < 0 ? -1.0 : 1.0;
            for (var j = 0; j < n; j++)
            {
                t[i][j] = sign * rows[i][j];
            }
            if (!isEquality[i])
            {
                t[i][n + i] = sign;
            }
            t[i][width - 1] = sign * bounds[i];
            if (isEquality[i] || sign < 0)
            {
                t[i][artificialStart + i] = 1;
                basis[i] = artificialStart + i;
            }
            else
            {
                basis[i] = n + i;
            }
        }
        // Phase 1: maximise -sum(artificials); the objective row holds reduced costs (negative = improving).
        t[m] = new double[width];
        for (var i = 0; i < m; i++)
        {
            if (basis[i] >= artificialStart)
            {
                for (var j = 0; j < width; j++)
                {
                    t[m][j] -= t[i][j];
                }
                t[m][basis[i]] = 0;
            }
        }
        if (!Run(t, basis, artificialStart) || t[m][width - 1] < -1e-9)
        {
            return null;
        }
        for (var i = 0; i < m; i++)
        {
            if (basis[i] < artificialStart)
            {
                continue;
            }
            for (var j = 0; j < artificialStart; j++)
            {
                if (Math.Abs(t[i][j]) > 1e-9)
                {
                    Pivot(t, basis, i, j);
                    break;
                }
            }
        }
        // Phase 2.
        Array.Clear(t[m]);
        for (var j = 0; j < n; j++)
        {
            t[m][j] = -objective[j];
        }
        for (var i = 0; i < m; i++)
        {
            var coefficient = t[m][basis[i]];
            if (basis[i] < artificialStart && coefficient != 0)
            {
                for (var j = 0; j < width; j++)
                {
                    t[m][j] -= coefficient * t[i][j];
                }
            }
        }
        if (!Run(t, basis, artificialStart))
        {
            return null;
        }
        var x = new double[n];
        for (var i = 0; i < m; i++)
        {
            if (basis[i] < n)
            {
                x[basis[i]] = t[i][width - 1];
            }
        }
        return x;
    }

    /// <summary>Pivots until optimal (true) or unbounded (false); columns from <paramref name="columnLimit"/> on never enter.</summary>
    private static bool Run(double[][] t, int[] basis, int columnLimit)
    {
        var m = basis.Length;
        var last = t[0].Length - 1;
        for (var step = 0; step < 100_000; step++)
        {
            var entering = -1;
            for (var j = 0; j < columnLimit; j++)
            {
                if (t[m][j] < -Epsilon)
                {
                    entering = j;
                    break;
                }
            }
            if (entering < 0)
            {
                return true;
            }
            var leaving = -1;
            var best = double.PositiveInfinity;
            for (var i = 0; i < m; i++)
            {
                if (t[i][entering] > Epsilon)
                {
                    var ratio = t[i][last] / t[i][entering];
                    if (ratio < best - 1e-12 || (ratio <= best + 1e-12 && leaving >= 0 && basis[i] < basis[leaving]))
                    {
                        best = ratio;
                        leaving = i;
                    }
                }
            }
            if (leaving < 0)
            {
                return false;
            }
            Pivot(t, basis, leaving, entering);
        }
        return false;
    }

    private static void Pivot(double[][] t, int[] basis, int row, int column)
    {
        var pivotRow = t[row];
        var scale = 1 / pivotRow[column];
        for (var j = 0; j < pivotRow.Length; j++)
        {
            pivotRow[j] *= scale;
        }
        for (var i = 0; i < t.Length; i++)
        {
            if (i == row)
            {
                continue;
            }
            var factor = t[i][column];
            if (factor == 0)
            {
                continue;
            }
            var target = t[i];
            for (var j = 0; j < target.Length; j++)
            {
                target[j] -= factor * pivotRow[j];
            }
        }
        basis[row] = column;
    }
}
