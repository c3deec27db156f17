using System.Numerics;
using Qkd.Bits;

namespace Qkd.Quantum;

/// <summary>Measurements with collapse, projections onto chosen outcomes and reduced states.</summary>
public sealed partial class StateVector
{
    /// <summary>Probability that a computational-basis measurement of <paramref name="qubit"/> gives <paramref name="outcome"/> (Born rule).</summary>
    public double Probability(int qubit, int outcome)
    {
        CheckQubit(qubit);
        CheckOutcome(outcome);
        var d = AsDoubles(_amplitudes);
        var stride = 1 << qubit;
        var sum = 0.0;
        for (var block = outcome * stride; block < Dimension; block += stride << 1)
        {
            for (var i = block; i < block + stride; i++)
            {
                sum += d[2 * i] * d[2 * i] + d[2 * i + 1] * d[2 * i + 1];
            }
        }
        return sum;
    }

    /// <summary>
    /// Projects <paramref name="qubit"/> onto |outcome> and renormalises: the state after a
    /// computational-basis measurement that gave <paramref name="outcome"/>. Returns the probability
    /// the outcome had. Throws when that probability is 0 (the branch does not exist).
    /// </summary>
    public double Project(int qubit, int outcome)
    {
        var p = Probability(qubit, outcome);
        if (!(p > 1e-14))
        {
            throw new ArgumentException($"Outcome {outcome} of qubit {qubit} has probability {p:G3}; it cannot be projected onto.", nameof(outcome));
        }
        var stride = 1 << qubit;
        var other = 1 - outcome;
        for (var block = other * stride; block < Dimension; block += stride << 1)
        {
            Array.Clear(_amplitudes, block, stride);
        }
        Scale(1 / Math.Sqrt(p));
        return p;
    }

    /// <summary>Measures <paramref name="qubit"/> in the computational basis, collapsing the state; returns 0 or 1.</summary>
    public int Measure(int qubit, ref SimRandom random)
    {
        var p1 = Probability(qubit, 1);
        var outcome = random.NextDouble() < p1 ? 1 : 0;
        Project(qubit, outcome);
        return outcome;
    }

    /// <summary>Measures <paramref name="qubit"/> in <paramref name="basis"/>; the qubit collapses onto the basis vector found.</summary>
    public int Measure(int qubit, MeasurementBasis basis, ref SimRandom random)
    {
        Apply(basis.Rotation.Adjoint(), qubit);
        var outcome = Measure(qubit, ref random);
        Apply(basis.Rotation, qubit);
        return outcome;
    }

    /// <summary>Projects <paramref name="qubit"/> onto basis vector <paramref name="outcome"/> of <paramref name="basis"/>; returns its probability.</summary>
    public double Project(int qubit, MeasurementBasis basis, int outcome)
    {
        Apply(basis.Rotation.Adjoint(), qubit);
        var p = Project(qubit, outcome);
        Apply(basis.Rotation, qubit);
        return p;
    }

    /// <summary>
    /// Bell-state measurement of qubits <paramref name="a"/> and <paramref name="b"/>: CNOT(a -> b),
    /// H(a), Z measurements, then the inverse circuit so the pair is left in the Bell state found.
    /// </summary>
    public BellOutcome MeasureBell(int a, int b, ref SimRandom random)
    {
        Cnot(a, b);
        H(a);
        var phase = Measure(a, ref random);
        var parity = Measure(b, ref random);
        H(a);
        Cnot(a, b);
        return new BellOutcome(phase, parity);
    }

    /// <summary>Projects qubits a and b onto the Bell state <paramref name="outcome"/>; returns its probability.</summary>
    public double ProjectBell(int a, int b, BellOutcome outcome)
    {
        Cnot(a, b);
        H(a);
        var p = Project(a, outcome.PhaseBit);
        p *= Project(b, outcome.ParityBit);
        H(a);
        Cnot(a, b);
        return p;
    }

    /// <summary>
    /// The reduced density matrix of the qubits in <paramref name="keep"/> (k of them, k &lt;= 10),
    /// tracing out the rest: rho_ij = sum_r psi(i, r) conj(psi(j, r)) (Nielsen and Chuang 2000,
    /// Sec. 2.4.3). keep[m] becomes bit m of the reduced index. Cost 2^n * 2^k.
    /// </summary>
    public DensityMatrix ReducedDensityMatrix(ReadOnlySpan<int> keep)
    {
        Guard.InRange(keep.Length, 1, Math.Min(10, QubitCount), "number of kept qubits");
        var keptMask = 0;
        foreach (var q in keep)
        {
            CheckQubit(q);
            if ((keptMask & (1 << q)) != 0)
            {
                throw new ArgumentException($"Qubit {q} is listed twice among the kept qubits.", nameof(keep));
            }
            keptMask |= 1 << q;
        }
        var k = keep.Length;
        var dim = 1 << k;
        var rho = new Complex[dim * dim];
        var column = new Complex[dim];
        var offsets = new int[dim];
        for (var i = 0; i < dim; i++)
        {
            var index = 0;
            for (var m = 0; m < k; m++)
            {
                if ((i & (1 << m)) != 0)
                {
                    index |= 1 << keep[m];
                }
            }
            offsets[i] = index;
        }
        var restMask = (Dimension - 1) & ~keptMask;
        // Enumerate the traced-out configurations r as the submasks of restMask.
        var r = 0;
        while (true)
        {
            for (var i = 0; i < dim; i++)
            {
                column[i] = _amplitudes[r | offsets[i]];
            }
            for (var i = 0; i < dim; i++)
            {
                var ci = column[i];
                if (ci == Complex.Zero)
                {
                    continue;
                }
                for (var j = 0; j < dim; j++)
                {
                    rho[i * dim + j] += ci * Complex.Conjugate(column[j]);
                }
            }
            if (r == restMask)
            {
                break;
            }
            r = (r - restMask) & restMask;
        }
        return new DensityMatrix(k, rho);
    }

    private static void CheckOutcome(int outcome)
    {
        if ((uint)outcome > 1)
        {
            Guard.InRange(outcome, 0, 1, "measurement outcome");
        }
    }
}
