using System.Numerics;
using Qkd.Bits;
using L = Qkd.Quantum.ControlledTeleportationLayout;

namespace Qkd.Quantum;

/// <summary>
/// Controlled teleportation of an arbitrary two-qubit state |chi>_AB from Alice to Bob under
/// Charlie's control, through a five-qubit GHZ state (particles 1, 2, 3, 5, 6) and a Bell pair
/// (4, 7), as in Lv, Cheng and Song, IEEE Network (2022), Fig. 2. The seed paper gives the channel
/// and the parties but not the measurement bases or Bob's table; the ones used here follow the GHZ
/// controlled teleportation of Karlsson and Bourennane, PRA 58, 4394 (1998), and are derived in
/// docs/quantum.md.
/// </summary>
/// <remarks>
/// Protocol: (1) Alice Bell-measures (A, 5) and (B, 7); (2) Charlie measures 1, 3, 6 in the X basis
/// and announces the parity p of his results; (3) Bob applies <see cref="BobCorrection.ForGhzQubit"/>
/// to particle 2 and <see cref="BobCorrection.ForBellQubit"/> to particle 4. Every one of the
/// 4 * 4 * 8 = 128 branches has probability 1/128 and leaves Bob exactly |chi> on (2, 4).
/// </remarks>
public sealed class ControlledTeleportation
{
    private readonly StateVector _register = new(L.QubitCount);
    private readonly StateVector _withoutController = new(L.QubitCount);
    private readonly Complex[] _input = new Complex[4];

    /// <summary>
    /// Average fidelity Bob reaches without Charlie's parity, for Haar-random two-qubit inputs:
    /// F = 1/2 + 1/2 E|&lt;chi|Z_A|chi&gt;|^2 = 1/2 + 1/2 * 1/5 = 3/5, using
    /// E|&lt;psi|P|psi&gt;|^2 = (|tr P|^2 + tr P^dagger P) / (d (d + 1)) with d = 4 (second moment of
    /// the Haar measure; e.g. Horodecki, Horodecki, Horodecki, PRA 60, 1888 (1999), Sec. III).
    /// Derivation in docs/quantum.md.
    /// </summary>
    public const double ExpectedFidelityWithoutController = 0.6;

    /// <summary>
    /// Best average fidelity of a classical (measure-and-prepare) channel for a d-level pure state,
    /// f = 2/(d + 1): 2/5 for two qubits, 2/3 for one. Massar and Popescu, PRL 74, 1259 (1995) for
    /// qubits; Bruss and Macchiavello, Phys. Lett. A 253, 249 (1999) for dimension d.
    /// </summary>
    public static double ClassicalFidelityLimit(int dimension) => 2.0 / (Guard.InRange(dimension, 2, 1 << 20, "dimension") + 1);

    /// <summary>Teleports <paramref name="input"/> (4 amplitudes, bit 0 = A, bit 1 = B) with random measurement results.</summary>
    public TeleportationTrial Run(ReadOnlySpan<Complex> input, ref SimRandom random)
    {
        Prepare(input);
        var a5 = _register.MeasureBell(L.A, L.Particle5, ref random);
        var b7 = _register.MeasureBell(L.B, L.Particle7, ref random);
        var withoutController = FidelityWithoutController(a5, b7);
        var charlieBits = 0;
        var charlie = L.CharlieQubits;
        for (var i = 0; i < charlie.Length; i++)
        {
            charlieBits |= _register.Measure(charlie[i], MeasurementBasis.X, ref random) << i;
        }
        return Finish(a5, b7, charlieBits, 1.0 / 128, withoutController);
    }

    /// <summary>Teleports <paramref name="input"/> on one chosen branch (Alice's two outcomes and Charlie's three bits), projecting instead of sampling.</summary>
    public TeleportationTrial RunBranch(ReadOnlySpan<Complex> input, BellOutcome aliceA5, BellOutcome aliceB7, int charlieBits)
    {
        Guard.InRange(charlieBits, 0, 7, "Charlie's result bits");
        Prepare(input);
        var p = _register.ProjectBell(L.A, L.Particle5, aliceA5);
        p *= _register.ProjectBell(L.B, L.Particle7, aliceB7);
        var withoutController = FidelityWithoutController(aliceA5, aliceB7);
        var charlie = L.CharlieQubits;
        for (var i = 0; i < charlie.Length; i++)
        {
            p *= _register.Project(charlie[i], MeasurementBasis.X, (charlieBits >> i) & 1);
        }
        return Finish(aliceA5, aliceB7, charlieBits, p, withoutController);
    }

    /// <summary>Teleports <paramref name="trials"/> Haar-random two-qubit states and summarises the fidelities.</summary>
    public static TeleportationReport Simulate(int trials, ulong seed)
    {
        Guard.InRange(trials, 1, 10_000_000, "trials");
        var protocol = new ControlledTeleportation();
        var random = new SimRandom(seed);
        Span<Complex> input = stackalloc Complex[4];
        double min = double.PositiveInfinity, sum = 0, sumWithout = 0;
        for (var t = 0; t < trials; t++)
        {
            StatePreparation.FillHaarRandom(input, ref random);
            var trial = protocol.Run(input, ref random);
            min = Math.Min(min, trial.Fidelity);
            sum += trial.Fidelity;
            sumWithout += trial.FidelityWithoutController;
        }
        return new TeleportationReport(trials, seed, min, sum / trials, sumWithout / trials,
            ExpectedFidelityWithoutController, ClassicalFidelityLimit(4), ClassicalFidelityLimit(2));
    }

    private void Prepare(ReadOnlySpan<Complex> input)
    {
        if (input.Length != 4)
        {
            throw new ArgumentException($"The teleported state must have 4 amplitudes (two qubits), but had {input.Length}.", nameof(input));
        }
        var norm = 0.0;
        foreach (var a in input)
        {
            norm += a.Real * a.Real + a.Imaginary * a.Imaginary;
        }
        if (!(Math.Abs(norm - 1) < 1e-9))
        {
            throw new ArgumentException($"The teleported state must be normalised, but its squared norm was {norm:G6}.", nameof(input));
        }
        input.CopyTo(_input);
        // A and B are register bits 0 and 1, every channel particle starts in |0>: amplitude i of the input is register amplitude i.
        _register.Reset();
        _register.SetAmplitudesOfLowQubits(input);
        StatePreparation.PrepareGhz(_register, L.GhzQubits);
        StatePreparation.PrepareBell(_register, L.Particle7, L.Particle4, new BellOutcome(0, 0));
    }

    /// <summary>What Bob holds if he corrects with Alice's bits only: Charlie's particles are traced out, which averages over his results.</summary>
    private double FidelityWithoutController(BellOutcome a5, BellOutcome b7)
    {
        _withoutController.CopyFrom(_register);
        BobCorrection.ForGhzQubit(a5, charlieParity: 0).ApplyTo(_withoutController, L.Particle2);
        BobCorrection.ForBellQubit(b7).ApplyTo(_withoutController, L.Particle4);
        return _withoutController.ReducedDensityMatrix(L.BobQubits).Fidelity(_input);
    }

    private TeleportationTrial Finish(BellOutcome a5, BellOutcome b7, int charlieBits, double probability, double withoutController)
    {
        var parity = BitOperations.PopCount((uint)charlieBits) & 1;
        BobCorrection.ForGhzQubit(a5, parity).ApplyTo(_register, L.Particle2);
        BobCorrection.ForBellQubit(b7).ApplyTo(_register, L.Particle4);
        var fidelity = _register.ReducedDensityMatrix(L.BobQubits).Fidelity(_input);
        return new TeleportationTrial(a5, b7, charlieBits, probability, fidelity, withoutController);
    }
}
