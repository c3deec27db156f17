using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qkd.Quantum;

/// <summary>Gate kernels: in-place, allocation-free loops over amplitude pairs.</summary>
public sealed partial class StateVector
{
    /// <summary>
    /// Applies a single-qubit unitary U to qubit <paramref name="target"/>: for every index pair
    /// (i, i + 2^t) with bit t of i clear, (a0, a1) -> (U00 a0 + U01 a1, U10 a0 + U11 a1).
    /// Diagonal gates and X take cheaper paths.
    /// </summary>
    public void Apply(SingleQubitGate gate, int target)
    {
        CheckQubit(target);
        if (gate.M01 == Complex.Zero && gate.M10 == Complex.Zero)
        {
            ApplyDiagonal(gate.M00, gate.M11, target);
            return;
        }
        if (gate.M00 == Complex.Zero && gate.M11 == Complex.Zero && gate.M01 == Complex.One && gate.M10 == Complex.One)
        {
            SwapHalves(target, 0);
            return;
        }
        ApplyDense(gate, target, 0);
    }

    /// <summary>Pauli X on one qubit.</summary>
    public void X(int qubit) => Apply(SingleQubitGate.X, qubit);

    /// <summary>Pauli Y on one qubit.</summary>
    public void Y(int qubit) => Apply(SingleQubitGate.Y, qubit);

    /// <summary>Pauli Z on one qubit.</summary>
    public void Z(int qubit) => Apply(SingleQubitGate.Z, qubit);

    /// <summary>Hadamard on one qubit.</summary>
    public void H(int qubit) => Apply(SingleQubitGate.H, qubit);

    /// <summary>Phase gate S on one qubit.</summary>
    public void S(int qubit) => Apply(SingleQubitGate.S, qubit);

    /// <summary>T gate on one qubit.</summary>
    public void T(int qubit) => Apply(SingleQubitGate.T, qubit);

    /// <summary>R_x(theta) on one qubit, theta [rad].</summary>
    public void Rx(int qubit, double thetaRad) => Apply(SingleQubitGate.Rx(thetaRad), qubit);

    /// <summary>R_y(theta) on one qubit, theta [rad].</summary>
    public void Ry(int qubit, double thetaRad) => Apply(SingleQubitGate.Ry(thetaRad), qubit);

    /// <summary>R_z(theta) on one qubit, theta [rad].</summary>
    public void Rz(int qubit, double thetaRad) => Apply(SingleQubitGate.Rz(thetaRad), qubit);

    /// <summary>Controlled NOT: flips <paramref name="target"/> where <paramref name="control"/> is 1.</summary>
    public void Cnot(int control, int target)
    {
        CheckQubit(control);
        CheckQubit(target);
        CheckDistinct(control, target);
        SwapHalves(target, 1 << control);
    }

    /// <summary>Controlled Z: phase -1 on the amplitudes where both qubits are 1 (symmetric in the two).</summary>
    public void Cz(int a, int b)
    {
        CheckQubit(a);
        CheckQubit(b);
        CheckDistinct(a, b);
        var mask = (1 << a) | (1 << b);
        var (low, high) = a < b ? (a, b) : (b, a);
        var count = Dimension >> 2;
        for (var k = 0; k < count; k++)
        {
            var i = InsertZeroBit(InsertZeroBit(k, low), high) | mask;
            _amplitudes[i] = -_amplitudes[i];
        }
    }

    /// <summary>Toffoli (CCNOT): flips <paramref name="target"/> where both controls are 1.</summary>
    public void Toffoli(int control1, int control2, int target)
    {
        CheckQubit(control1);
        CheckQubit(control2);
        CheckQubit(target);
        CheckDistinct(control1, control2);
        CheckDistinct(control1, target);
        CheckDistinct(control2, target);
        SwapHalves(target, (1 << control1) | (1 << control2));
    }

    /// <summary>Applies U to <paramref name="target"/> on the amplitudes where <paramref name="control"/> is 1.</summary>
    public void ApplyControlled(SingleQubitGate gate, int control, int target)
    {
        CheckQubit(control);
        CheckQubit(target);
        CheckDistinct(control, target);
        ApplyDense(gate, target, 1 << control);
    }

    /// <summary>Multiplies every amplitude by a real factor (renormalisation after a projection).</summary>
    private void Scale(double factor)
    {
        var d = AsDoubles(_amplitudes);
        for (var i = 0; i < d.Length; i++)
        {
            d[i] *= factor;
        }
    }

    /// <summary>Inserts a 0 bit at position <paramref name="bit"/> of k, shifting the higher bits up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int InsertZeroBit(int k, int bit) => ((k >> bit) << (bit + 1)) | (k & ((1 << bit) - 1));

    private void ApplyDiagonal(Complex d0, Complex d1, int target)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            ApplyDiagonalVector(d0, d1, target);
            return;
        }
        var d = AsDoubles(_amplitudes);
        var stride = 1 << target;
        var skip0 = d0 == Complex.One;
        double r0 = d0.Real, i0 = d0.Imaginary, r1 = d1.Real, i1 = d1.Imaginary;
        for (var block = 0; block < Dimension; block += stride << 1)
        {
            if (!skip0)
            {
                for (var i = block; i < block + stride; i++)
                {
                    var re = d[2 * i];
                    var im = d[2 * i + 1];
                    d[2 * i] = r0 * re - i0 * im;
                    d[2 * i + 1] = r0 * im + i0 * re;
                }
            }
            for (var i = block + stride; i < block + (stride << 1); i++)
            {
                var re = d[2 * i];
                var im = d[2 * i + 1];
                d[2 * i] = r1 * re - i1 * im;
                d[2 * i + 1] = r1 * im + i1 * re;
            }
        }
    }

    /// <summary>Swaps the target-0 and target-1 halves on the indices whose control bits are all set (X, CNOT, Toffoli).</summary>
    private void SwapHalves(int target, int controlMask)
    {
        var stride = 1 << target;
        var a = _amplitudes;
        if (controlMask == 0 && Vector256.IsHardwareAccelerated)
        {
            SwapHalvesVector(target);
            return;
        }
        if (controlMask == 0)
        {
            for (var block = 0; block < a.Length; block += stride << 1)
            {
                for (var i = block; i < block + stride; i++)
                {
                    (a[i], a[i + stride]) = (a[i + stride], a[i]);
                }
            }
            return;
        }
        if (BitOperations.PopCount((uint)controlMask) == 1)
        {
            // One control: three nested loops over the bits above, between and below the two qubits,
            // so the innermost loop runs over contiguous indices.
            var lowBit = Math.Min(stride, controlMask);
            var highBit = Math.Max(stride, controlMask);
            for (var outer = 0; outer < a.Length; outer += highBit << 1)
            {
                for (var middle = outer; middle < outer + highBit; middle += lowBit << 1)
                {
                    for (var i = middle | controlMask; i < (middle | controlMask) + lowBit; i++)
                    {
                        (a[i], a[i + stride]) = (a[i + stride], a[i]);
                    }
                }
            }
            return;
        }
        // Several controls: enumerate only the indices with target 0 and every control 1 by inserting
        // zero bits at the sorted positions of target and controls into a counter, then setting the controls.
        foreach (var i in new PairIndices(controlMask, stride, Dimension))
        {
            (a[i], a[i + stride]) = (a[i + stride], a[i]);
        }
    }

    /// <summary>The general 2x2 kernel, optionally restricted to indices whose control bits are set.</summary>
    private void ApplyDense(SingleQubitGate g, int target, int controlMask)
    {
        if (controlMask == 0 && Vector256.IsHardwareAccelerated)
        {
            if (target == 0)
            {
                ApplyDenseVectorAdjacent(g);
            }
            else
            {
                ApplyDenseVector(g, target);
            }
            return;
        }
        ApplyDenseScalar(g, target, controlMask);
    }

    /// <summary>The scalar reference kernel on doubles: (a0, a1) -> (M00 a0 + M01 a1, M10 a0 + M11 a1).</summary>
    internal void ApplyDenseScalar(SingleQubitGate g, int target, int controlMask)
    {
        var d = AsDoubles(_amplitudes);
        var stride = 1 << target;
        double ar = g.M00.Real, ai = g.M00.Imaginary, br = g.M01.Real, bi = g.M01.Imaginary;
        double cr = g.M10.Real, ci = g.M10.Imaginary, dr = g.M11.Real, di = g.M11.Imaginary;
        foreach (var i in new PairIndices(controlMask, stride, Dimension))
        {
            var j = i + stride;
            double x0r = d[2 * i], x0i = d[2 * i + 1], x1r = d[2 * j], x1i = d[2 * j + 1];
            d[2 * i] = ar * x0r - ai * x0i + br * x1r - bi * x1i;
            d[2 * i + 1] = ar * x0i + ai * x0r + br * x1i + bi * x1r;
            d[2 * j] = cr * x0r - ci * x0i + dr * x1r - di * x1i;
            d[2 * j + 1] = cr * x0i + ci * x0r + dr * x1i + di * x1r;
        }
    }
    /// <summary>
    /// The low index of every amplitude pair a gate on <c>stride = 2^t</c> with the control bits
    /// <c>controlMask</c> (at most two) touches, in increasing order: the k-th such index has zero bits inserted
    /// at the sorted positions of the target and the controls, then the control bits set. A struct enumerator,
    /// so <c>foreach</c> over it allocates nothing.
    /// </summary>
    private struct PairIndices
    {
        private readonly int _low, _middle, _high, _count, _controlMask, _iterations;
        private int _k;

        public PairIndices(int controlMask, int stride, int dimension)
        {
            Span<int> positions = [0, 0, 0];
            var mask = controlMask | stride;
            while (mask != 0)
            {
                positions[_count++] = BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
            }
            (_low, _middle, _high) = (positions[0], positions[1], positions[2]);
            _controlMask = controlMask;
            _iterations = dimension >> _count;
            _k = -1;
        }

        public int Current { get; private set; }

        public readonly PairIndices GetEnumerator() => this;

        public bool MoveNext()
        {
            if (++_k >= _iterations)
            {
                return false;
            }
            var index = InsertZeroBit(_k, _low);
            if (_count > 1)
            {
                index = InsertZeroBit(index, _middle);
            }
            if (_count > 2)
            {
                index = InsertZeroBit(index, _high);
            }
            Current = index | _controlMask;
            return true;
        }
    }
}
