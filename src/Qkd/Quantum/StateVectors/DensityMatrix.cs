using System.Collections.Immutable;
using System.Numerics;

namespace Qkd.Quantum;

/// <summary>
/// The density matrix rho of a few qubits, row-major, index convention as <see cref="StateVector"/>
/// (qubit m is bit m). Produced by <see cref="StateVector.ReducedDensityMatrix"/>.
/// </summary>
public sealed class DensityMatrix
{
    private readonly Complex[] _entries;

    /// <summary>Number of qubits k.</summary>
    public int QubitCount { get; }

    /// <summary>Matrix dimension 2^k.</summary>
    public int Dimension { get; }

    internal DensityMatrix(int qubitCount, Complex[] entries)
    {
        QubitCount = qubitCount;
        Dimension = 1 << qubitCount;
        _entries = entries;
    }

    /// <summary>The entry rho_ij.</summary>
    public Complex this[int row, int column] => _entries[row * Dimension + column];

    /// <summary>The entries, row-major.</summary>
    public ImmutableArray<Complex> Entries => [.. _entries];

    /// <summary>Trace of rho (1 for a normalised state).</summary>
    public double Trace()
    {
        var t = 0.0;
        for (var i = 0; i < Dimension; i++)
        {
            t += _entries[i * Dimension + i].Real;
        }
        return t;
    }

    /// <summary>Purity tr(rho^2): 1 for a pure state, 1/2^k for the maximally mixed one.</summary>
    public double Purity()
    {
        var sum = 0.0;
        foreach (var e in _entries)
        {
            sum += e.Real * e.Real + e.Imaginary * e.Imaginary;
        }
        return sum;
    }

    /// <summary>
    /// Fidelity with a pure state: F = &lt;psi|rho|psi&gt; (Nielsen and Chuang 2000, Eq. (9.60)
    /// with one pure argument, squared convention as in teleportation papers: F = 1 for rho = |psi&gt;&lt;psi|).
    /// </summary>
    public double Fidelity(ReadOnlySpan<Complex> pureState)
    {
        if (pureState.Length != Dimension)
        {
            throw new ArgumentException($"The pure state must have {Dimension} amplitudes to match the density matrix, but had {pureState.Length}.", nameof(pureState));
        }
        var sum = Complex.Zero;
        for (var i = 0; i < Dimension; i++)
        {
            var row = Complex.Zero;
            for (var j = 0; j < Dimension; j++)
            {
                row += _entries[i * Dimension + j] * pureState[j];
            }
            sum += Complex.Conjugate(pureState[i]) * row;
        }
        return sum.Real;
    }
}
