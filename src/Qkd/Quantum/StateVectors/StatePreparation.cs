using System.Numerics;
using Qkd.Bits;

namespace Qkd.Quantum;

/// <summary>Circuits that prepare the entangled resources of the protocols, and random test states.</summary>
public static class StatePreparation
{
    /// <summary>
    /// Turns |00> on qubits (a, b) into a Bell state: H(a), CNOT(a -> b) gives |Phi+>; then X(b) for
    /// the Psi states and Z(a) for the minus states. Nielsen and Chuang (2000), Fig. 1.12 / Eq. (1.23).
    /// Requires both qubits in |0>.
    /// </summary>
    public static void PrepareBell(StateVector state, int a, int b, BellOutcome which)
    {
        state.H(a);
        state.Cnot(a, b);
        if (which.ParityBit == 1)
        {
            state.X(b);
        }
        if (which.PhaseBit == 1)
        {
            state.Z(a);
        }
    }

    /// <summary>
    /// Turns |0...0> on the listed qubits into the GHZ state (|0...0> + |1...1>)/sqrt 2: H on the
    /// first, then a CNOT from it to each other one (Greenberger, Horne, Shimony, Zeilinger,
    /// Am. J. Phys. 58, 1131 (1990)). Requires the qubits in |0>.
    /// </summary>
    public static void PrepareGhz(StateVector state, ReadOnlySpan<int> qubits)
    {
        Guard.InRange(qubits.Length, 2, state.QubitCount, "GHZ qubit count");
        state.H(qubits[0]);
        for (var i = 1; i < qubits.Length; i++)
        {
            state.Cnot(qubits[0], qubits[i]);
        }
    }

    /// <summary>
    /// Fills <paramref name="amplitudes"/> with a Haar-random pure state: independent standard complex
    /// Gaussian entries, normalised (the unitarily invariant measure; e.g. Zyczkowski and Sommers,
    /// J. Phys. A 34, 7111 (2001), Sec. 2). Gaussians by Box-Muller.
    /// </summary>
    public static void FillHaarRandom(Span<Complex> amplitudes, ref SimRandom random)
    {
        var norm = 0.0;
        for (var i = 0; i < amplitudes.Length; i++)
        {
            var (g1, g2) = Gaussian.NextPair(ref random);
            amplitudes[i] = new Complex(g1, g2);
            norm += g1 * g1 + g2 * g2;
        }
        var scale = 1 / Math.Sqrt(norm);
        for (var i = 0; i < amplitudes.Length; i++)
        {
            amplitudes[i] *= scale;
        }
    }
}
