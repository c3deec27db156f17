using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Qkd.Bits;

namespace Qkd.Quantum;

/// <summary>
/// The exact state of n qubits as 2^n complex amplitudes. Qubit q is bit q of the basis index
/// (qubit 0 least significant), so amplitude index 0b110 is |q2=1, q1=1, q0=0>.
/// </summary>
/// <remarks>
/// Gates update the amplitudes in place with loops that allocate nothing (the kernels are in
/// <c>StateVector.Kernels.cs</c>); measurements take the caller's <see cref="SimRandom"/> so every
/// run is reproducible from its seed. Mutable on purpose, like a register in a simulator: copy with
/// <see cref="Clone"/> or <see cref="CopyFrom"/> to branch. Postulates as in Nielsen and Chuang,
/// "Quantum Computation and Quantum Information" (2000), Sec. 2.2.
/// </remarks>
public sealed partial class StateVector
{
    /// <summary>Largest register this simulator accepts (2^24 amplitudes = 256 MiB).</summary>
    public const int MaxQubits = 24;

    private readonly Complex[] _amplitudes;

    /// <summary>Number of qubits n.</summary>
    public int QubitCount { get; }

    /// <summary>Number of amplitudes 2^n.</summary>
    public int Dimension => _amplitudes.Length;

    /// <summary>The amplitudes, index = basis state (qubit q is bit q).</summary>
    public ReadOnlySpan<Complex> Amplitudes => _amplitudes;

    /// <summary>The register |0...0> of <paramref name="qubitCount"/> qubits.</summary>
    public StateVector(int qubitCount)
    {
        QubitCount = (int)Guard.InRange(qubitCount, 1, MaxQubits, "qubit count");
        _amplitudes = new Complex[1 << qubitCount];
        _amplitudes[0] = 1;
    }

    /// <summary>A register holding the given amplitudes, normalised to unit length.</summary>
    public static StateVector FromAmplitudes(ReadOnlySpan<Complex> amplitudes)
    {
        var n = BitOperations.Log2((uint)amplitudes.Length);
        if (amplitudes.Length < 2 || 1 << n != amplitudes.Length)
        {
            throw new ArgumentException($"A state vector needs a power-of-two number of amplitudes of at least 2, but got {amplitudes.Length}.", nameof(amplitudes));
        }
        var s = new StateVector(n);
        amplitudes.CopyTo(s._amplitudes);
        var norm = s.NormSquared();
        if (!(norm > 1e-300) || !double.IsFinite(norm))
        {
            throw new ArgumentException($"Amplitudes must have a finite, non-zero norm, but the squared norm was {norm:G6}.", nameof(amplitudes));
        }
        s.Scale(1 / Math.Sqrt(norm));
        return s;
    }

    /// <summary>Sets the register back to |0...0>.</summary>
    public void Reset()
    {
        Array.Clear(_amplitudes);
        _amplitudes[0] = 1;
    }

    /// <summary>Sets the register to the computational basis state |index>.</summary>
    public void SetBasisState(int index)
    {
        Guard.InRange(index, 0, Dimension - 1, "basis index");
        Array.Clear(_amplitudes);
        _amplitudes[index] = 1;
    }

    /// <summary>A deep copy.</summary>
    public StateVector Clone()
    {
        var s = new StateVector(QubitCount);
        _amplitudes.CopyTo(s._amplitudes, 0);
        return s;
    }

    /// <summary>Copies another register of the same size into this one (no allocation).</summary>
    public void CopyFrom(StateVector other)
    {
        Guard.SameLength(other.QubitCount, QubitCount, "qubit counts of the copied registers");
        other._amplitudes.CopyTo(_amplitudes, 0);
    }

    /// <summary>Sum of |amplitude|^2; 1 for a normalised state.</summary>
    public double NormSquared()
    {
        var d = AsDoubles(_amplitudes);
        var sum = 0.0;
        for (var i = 0; i < d.Length; i++)
        {
            sum += d[i] * d[i];
        }
        return sum;
    }

    /// <summary>Inner product &lt;this|other&gt; = sum_i conj(this_i) other_i.</summary>
    public Complex InnerProduct(StateVector other)
    {
        Guard.SameLength(other.QubitCount, QubitCount, "qubit counts of the two states");
        var sum = Complex.Zero;
        for (var i = 0; i < _amplitudes.Length; i++)
        {
            sum += Complex.Conjugate(_amplitudes[i]) * other._amplitudes[i];
        }
        return sum;
    }

    /// <summary>
    /// Fidelity of two pure states F = |&lt;psi|phi&gt;|^2 (1 for equal states up to a global phase,
    /// 0 for orthogonal ones). Nielsen and Chuang (2000), Eq. (9.60) specialised to pure states.
    /// </summary>
    public double Fidelity(StateVector other)
    {
        var overlap = InnerProduct(other);
        return overlap.Real * overlap.Real + overlap.Imaginary * overlap.Imaginary;
    }

    /// <summary>Probability |amplitude|^2 of the computational basis state |index>.</summary>
    public double BasisProbability(int index)
    {
        Guard.InRange(index, 0, Dimension - 1, "basis index");
        var a = _amplitudes[index];
        return a.Real * a.Real + a.Imaginary * a.Imaginary;
    }

    /// <summary>
    /// Writes a normalised state of the lowest k qubits (2^k amplitudes) into a register that is in
    /// |0...0>: the product |low> (x) |0...0>, used to load an input state before the protocol.
    /// </summary>
    public void SetAmplitudesOfLowQubits(ReadOnlySpan<Complex> amplitudes)
    {
        Guard.InRange(amplitudes.Length, 1, Dimension, "number of amplitudes");
        Array.Clear(_amplitudes);
        amplitudes.CopyTo(_amplitudes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<double> AsDoubles(Complex[] amplitudes) => MemoryMarshal.Cast<Complex, double>(amplitudes.AsSpan());

    private void CheckQubit(int qubit, [CallerArgumentExpression(nameof(qubit))] string? name = null)
    {
        if ((uint)qubit >= (uint)QubitCount)
        {
            Guard.InRange(qubit, 0, QubitCount - 1, name);
        }
    }

    private static void CheckDistinct(int a, int b)
    {
        if (a == b)
        {
            throw new ArgumentException($"A two-qubit gate needs two different qubits, but both were {a}.");
        }
    }
}
