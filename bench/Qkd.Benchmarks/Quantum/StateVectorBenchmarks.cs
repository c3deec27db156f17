using System.Numerics;
using BenchmarkDotNet.Attributes;
using Qkd.Bits;
using Qkd.Quantum;

namespace Qkd.Benchmarks.Quantum;

/// <summary>
/// One gate application on a 20-qubit register (2^20 amplitudes, 16 MiB), against a baseline that
/// applies the Hadamard the naive way: visit every index, branch on the target bit, complex
/// arithmetic through System.Numerics.Complex. Gates per second = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class StateVectorBenchmarks
{
    private const int Qubits = 20;
    private StateVector _state = null!;
    private Complex[] _naive = null!;
    private readonly SingleQubitGate _rx = SingleQubitGate.Rx(0.3);

    /// <summary>Target qubit: 0 (pairs adjacent), 10, 19 (pairs 8 MiB apart).</summary>
    [Params(0, 10, 19)]
    public int Target { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SimRandom(42);
        _naive = new Complex[1 << Qubits];
        StatePreparation.FillHaarRandom(_naive, ref random);
        _state = StateVector.FromAmplitudes(_naive);
    }

    [Benchmark(Baseline = true)]
    public void NaiveHadamard()
    {
        var h = SingleQubitGate.H;
        var mask = 1 << Target;
        var a = _naive;
        for (var i = 0; i < a.Length; i++)
        {
            if ((i & mask) == 0)
            {
                var a0 = a[i];
                var a1 = a[i | mask];
                a[i] = h.M00 * a0 + h.M01 * a1;
                a[i | mask] = h.M10 * a0 + h.M11 * a1;
            }
        }
    }

    [Benchmark]
    public void Hadamard() => _state.H(Target);

    [Benchmark]
    public void RotationX() => _state.Apply(_rx, Target);

    [Benchmark]
    public void TGate() => _state.T(Target);

    [Benchmark]
    public void PauliX() => _state.X(Target);

    [Benchmark]
    public void Cnot() => _state.Cnot((Target + 7) % Qubits, Target);

    [Benchmark]
    public void Toffoli() => _state.Toffoli((Target + 7) % Qubits, (Target + 13) % Qubits, Target);
}
