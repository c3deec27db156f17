using System.Numerics;
using FsCheck.Xunit;
using Qkd.Bits;
using Qkd.Quantum;

namespace Qkd.Tests.Quantum;

public class StateVectorTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> GateNames => new() { "I", "X", "Y", "Z", "H", "S", "T", "Rx", "Ry", "Rz" };

    private static SingleQubitGate ByName(string name) => name switch
    {
        "I" => SingleQubitGate.I,
        "X" => SingleQubitGate.X,
        "Y" => SingleQubitGate.Y,
        "Z" => SingleQubitGate.Z,
        "H" => SingleQubitGate.H,
        "S" => SingleQubitGate.S,
        "T" => SingleQubitGate.T,
        "Rx" => SingleQubitGate.Rx(0.7),
        "Ry" => SingleQubitGate.Ry(-1.3),
        _ => SingleQubitGate.Rz(2.1),
    };

    /// <summary>The textbook matrices (Nielsen and Chuang 2000, Fig. 4.2, Eqs. 4.4-4.6), written out entry by entry.</summary>
    private static Complex[,] Textbook(string name)
    {
        var i = Complex.ImaginaryOne;
        var r = 1 / Math.Sqrt(2);
        return name switch
        {
            "I" => new Complex[,] { { 1, 0 }, { 0, 1 } },
            "X" => new Complex[,] { { 0, 1 }, { 1, 0 } },
            "Y" => new Complex[,] { { 0, -i }, { i, 0 } },
            "Z" => new Complex[,] { { 1, 0 }, { 0, -1 } },
            "H" => new Complex[,] { { r, r }, { r, -r } },
            "S" => new Complex[,] { { 1, 0 }, { 0, i } },
            "T" => new Complex[,] { { 1, 0 }, { 0, Complex.Exp(i * Math.PI / 4) } },
            "Rx" => new Complex[,] { { Math.Cos(0.35), -i * Math.Sin(0.35) }, { -i * Math.Sin(0.35), Math.Cos(0.35) } },
            "Ry" => new Complex[,] { { Math.Cos(-0.65), -Math.Sin(-0.65) }, { Math.Sin(-0.65), Math.Cos(-0.65) } },
            _ => new Complex[,] { { Complex.Exp(-i * 1.05), 0 }, { 0, Complex.Exp(i * 1.05) } },
        };
    }

    [Theory]
    [MemberData(nameof(GateNames))]
    public void SingleQubitGate_OnEveryQubitOfThree_ActsAsItsMatrixKroneckerIdentity(string name)
    {
        var m = Textbook(name);
        var random = new SimRandom(11);
        for (var target = 0; target < 3; target++)
        {
            var amplitudes = new Complex[8];
            StatePreparation.FillHaarRandom(amplitudes, ref random);
            var state = StateVector.FromAmplitudes(amplitudes);
            state.Apply(ByName(name), target);
            for (var index = 0; index < 8; index++)
            {
                var bit = (index >> target) & 1;
                var partner = index ^ (1 << target);
                var expected = m[bit, bit] * amplitudes[index] + m[bit, 1 - bit] * amplitudes[partner];
                Assert.True(Complex.Abs(expected - state.Amplitudes[index]) < Tolerance, $"{name} on qubit {target}, index {index}");
            }
        }
    }

    [Fact]
    public void Cnot_PermutesBasisStatesAsItsMatrix()
    {
        // CNOT(control 0 -> target 1) maps |q1 q0>: 00->00, 01->11, 10->10, 11->01.
        int[] expected = [0, 3, 2, 1];
        for (var input = 0; input < 4; input++)
        {
            var s = new StateVector(2);
            s.SetBasisState(input);
            s.Cnot(0, 1);
            Assert.Equal(1, s.BasisProbability(expected[input]), 12);
        }
    }

    [Fact]
    public void Toffoli_FlipsTargetOnlyWhenBothControlsAreOne()
    {
        for (var input = 0; input < 8; input++)
        {
            var s = new StateVector(3);
            s.SetBasisState(input);
            s.Toffoli(0, 1, 2);
            var expected = (input & 3) == 3 ? input ^ 4 : input;
            Assert.Equal(1, s.BasisProbability(expected), 12);
        }
    }

    [Fact]
    public void Cz_NegatesOnlyTheAmplitudeWithBothQubitsOne()
    {
        var amplitudes = new Complex[] { 0.5, 0.5, 0.5, 0.5 };
        var s = StateVector.FromAmplitudes(amplitudes);
        s.Cz(1, 0);
        Assert.Equal(new Complex(0.5, 0), s.Amplitudes[2]);
        Assert.Equal(new Complex(-0.5, 0), s.Amplitudes[3]);
    }

    [Fact]
    public void ControlledGate_OnControlZero_LeavesStateAndOnOne_AppliesGate()
    {
        var s = new StateVector(2);
        s.H(1);
        s.ApplyControlled(SingleQubitGate.Ry(1.0), control: 0, target: 1);
        Assert.Equal(0.5, s.Probability(1, 1), 12);
        s.Reset();
        s.X(0);
        s.ApplyControlled(SingleQubitGate.X, control: 0, target: 1);
        Assert.Equal(1, s.BasisProbability(3), 12);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    public void PrepareBell_GivesTheBellStateAmplitudes(int phase, int parity)
    {
        var s = new StateVector(2);
        StatePreparation.PrepareBell(s, 0, 1, new BellOutcome(phase, parity));
        var r = 1 / Math.Sqrt(2);
        var sign = phase == 1 ? -1 : 1;
        // |Phi+-> = (|00> +- |11>)/sqrt2, |Psi+-> = (|01> +- |10>)/sqrt2, qubit 0 is the first letter.
        var (first, second) = parity == 0 ? (0, 3) : (2, 1);
        Assert.Equal(r, s.Amplitudes[first].Real, 12);
        Assert.Equal(sign * r, s.Amplitudes[second].Real, 12);
        Assert.Equal(1, s.NormSquared(), 12);
    }

    [Fact]
    public void BellMeasurement_OfEachBellState_ReturnsItWithCertainty()
    {
        var random = new SimRandom(5);
        foreach (var bell in BellOutcome.All)
        {
            var s = new StateVector(2);
            StatePreparation.PrepareBell(s, 0, 1, bell);
            Assert.Equal(bell, s.MeasureBell(0, 1, ref random));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(12)]
    public void PrepareGhz_GivesHalfAllZerosHalfAllOnesAndReducedPairIsClassicallyCorrelated(int n)
    {
        var s = new StateVector(n);
        var qubits = Enumerable.Range(0, n).ToArray();
        StatePreparation.PrepareGhz(s, qubits);
        Assert.Equal(0.5, s.BasisProbability(0), 12);
        Assert.Equal(0.5, s.BasisProbability((1 << n) - 1), 12);
        Assert.Equal(1, s.NormSquared(), 12);
        var pair = s.ReducedDensityMatrix([0, n - 1]);
        Assert.Equal(0.5, pair[0, 0].Real, 12);
        Assert.Equal(0.5, pair[3, 3].Real, 12);
        Assert.Equal(0, pair[0, 3].Magnitude, 12);
        Assert.Equal(0.5, pair.Purity(), 12);
    }

    [Fact]
    public void MeasureInBasis_CollapsesOntoTheBasisVector()
    {
        var random = new SimRandom(8);
        var s = new StateVector(1);
        var basis = MeasurementBasis.LinearPolarization(Math.PI / 8);
        var outcome = s.Measure(0, basis, ref random);
        var again = s.Measure(0, basis, ref random);
        Assert.Equal(outcome, again);
        var expectedP0 = Math.Pow(Math.Cos(Math.PI / 8), 2);
        var p = outcome == 0 ? expectedP0 : 1 - expectedP0;
        Assert.True(p > 0);
        Assert.Equal(1, s.NormSquared(), 12);
    }

    [Fact]
    public void MeasureInYBasis_OfPlusIState_IsDeterministic()
    {
        var random = new SimRandom(21);
        for (var i = 0; i < 20; i++)
        {
            var s = new StateVector(1);
            s.H(0);
            s.S(0);
            Assert.Equal(0, s.Measure(0, MeasurementBasis.Y, ref random));
        }
    }

    [Fact]
    public void Measure_FrequenciesFollowTheBornRule()
    {
        var random = new SimRandom(99);
        var ones = 0;
        const int shots = 20000;
        var s = new StateVector(1);
        for (var i = 0; i < shots; i++)
        {
            s.Reset();
            s.Ry(0, 2 * Math.PI / 6); // P(1) = sin^2(pi/6) = 1/4
            ones += s.Measure(0, ref random);
        }
        var sigma = Math.Sqrt(0.25 * 0.75 / shots);
        Assert.InRange(ones / (double)shots, 0.25 - 5 * sigma, 0.25 + 5 * sigma);
    }

    [Property(MaxTest = 50)]
    public void RandomCircuit_PreservesNorm_AndInverseRestoresState(ulong seed)
    {
        var random = new SimRandom(seed);
        var s = new StateVector(6);
        var gates = new (SingleQubitGate Gate, int Target, int Control)[30];
        for (var g = 0; g < gates.Length; g++)
        {
            var gate = SingleQubitGate.Rx(random.NextDouble() * 6).Then(SingleQubitGate.Rz(random.NextDouble() * 6)).Then(SingleQubitGate.H);
            var t = (int)random.NextBelow(6);
            var c = (t + 1 + (int)random.NextBelow(5)) % 6;
            gates[g] = (gate, t, c);
            s.Apply(gate, t);
            s.ApplyControlled(gate, c, t);
        }
        Assert.Equal(1, s.NormSquared(), 10);
        for (var g = gates.Length - 1; g >= 0; g--)
        {
            s.ApplyControlled(gates[g].Gate.Adjoint(), gates[g].Control, gates[g].Target);
            s.Apply(gates[g].Gate.Adjoint(), gates[g].Target);
        }
        Assert.Equal(1, s.BasisProbability(0), 9);
    }

    [Fact]
    public void Fidelity_OfOrthogonalStatesIsZero_AndOfGlobalPhaseIsOne()
    {
        var a = new StateVector(2);
        var b = new StateVector(2);
        b.X(1);
        Assert.Equal(0, a.Fidelity(b), 12);
        b.X(1);
        b.Rz(0, 1.0); // only a global phase on |00>
        Assert.Equal(1, a.Fidelity(b), 12);
    }

    [Fact]
    public void Project_OntoImpossibleOutcome_Throws()
    {
        var s = new StateVector(1);
        Assert.Throws<ArgumentException>(() => s.Project(0, 1));
    }

    [Fact]
    public void TwentyQubitRegister_HadamardOnEveryQubit_GivesUniformSuperposition()
    {
        var s = new StateVector(20);
        for (var q = 0; q < 20; q++)
        {
            s.H(q);
        }
        Assert.Equal(1.0 / (1 << 20), s.BasisProbability(12345), 15);
        Assert.Equal(0.5, s.Probability(19, 1), 10);
    }

    [Property(MaxTest = 60)]
    public bool VectorKernel_AgreesWithScalarReference(ulong seed)
    {
        var random = new SimRandom(seed);
        var n = 1 + (int)random.NextBelow(9);
        var target = (int)random.NextBelow((ulong)n);
        var amplitudes = new Complex[1 << n];
        StatePreparation.FillHaarRandom(amplitudes, ref random);
        var gate = SingleQubitGate.Rx(random.NextDouble() * 6).Then(SingleQubitGate.Rz(random.NextDouble() * 6)).Then(SingleQubitGate.T);
        var vector = StateVector.FromAmplitudes(amplitudes);
        var scalar = StateVector.FromAmplitudes(amplitudes);
        if (target == 0)
        {
            vector.ApplyDenseVectorAdjacent(gate);
        }
        else
        {
            vector.ApplyDenseVector(gate, target);
        }
        scalar.ApplyDenseScalar(gate, target, 0);
        for (var i = 0; i < amplitudes.Length; i++)
        {
            if (Complex.Abs(vector.Amplitudes[i] - scalar.Amplitudes[i]) > 1e-13)
            {
                return false;
            }
        }
        return true;
    }

    [Fact]
    public void ControlledRotation_EqualsBlockDiagonalMatrix()
    {
        var random = new SimRandom(4);
        var amplitudes = new Complex[16];
        StatePreparation.FillHaarRandom(amplitudes, ref random);
        var gate = SingleQubitGate.Ry(0.9);
        var s = StateVector.FromAmplitudes(amplitudes);
        s.ApplyControlled(gate, control: 3, target: 1);
        for (var index = 0; index < 16; index++)
        {
            Complex expected;
            if ((index & 8) == 0)
            {
                expected = amplitudes[index];
            }
            else
            {
                var bit = (index >> 1) & 1;
                var m = bit == 0 ? (gate.M00, gate.M01) : (gate.M10, gate.M11);
                var i0 = index & ~2;
                expected = m.Item1 * amplitudes[i0] + m.Item2 * amplitudes[i0 | 2];
            }
            Assert.True(Complex.Abs(expected - s.Amplitudes[index]) < 1e-12, $"index {index}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(11)] // targets 8-10 swap runs longer than the kernel's 256-double carry buffer, in pieces
    public void PauliX_OnEveryTarget_PermutesAmplitudesByFlippingThatBit(int n)
    {
        var random = new SimRandom(17);
        var amplitudes = new Complex[1 << n];
        StatePreparation.FillHaarRandom(amplitudes, ref random);
        var original = StateVector.FromAmplitudes(amplitudes);
        for (var target = 0; target < n; target++)
        {
            var s = original.Clone();
            s.X(target);
            for (var i = 0; i < amplitudes.Length; i++)
            {
                Assert.Equal(original.Amplitudes[i ^ (1 << target)], s.Amplitudes[i]);
            }
        }
    }
}
