namespace Qkd.Quantum;

/// <summary>Summary of many controlled teleportations of Haar-random two-qubit states.</summary>
/// <param name="Trials">Number of random input states teleported.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="MinFidelity">Smallest fidelity after Bob's full correction (1 up to rounding).</param>
/// <param name="MeanFidelity">Mean fidelity after the full correction.</param>
/// <param name="MeanFidelityWithoutController">Mean fidelity when Bob lacks Charlie's result.</param>
/// <param name="ExpectedFidelityWithoutController">Its Haar average, 3/5 (docs/quantum.md).</param>
/// <param name="ClassicalLimit">Best average fidelity of measure-and-prepare for a two-qubit state, 2/(d+1) = 2/5.</param>
/// <param name="SingleQubitClassicalLimit">The same for one qubit, 2/3.</param>
public sealed record TeleportationReport(int Trials, ulong Seed, double MinFidelity, double MeanFidelity,
    double MeanFidelityWithoutController, double ExpectedFidelityWithoutController, double ClassicalLimit,
    double SingleQubitClassicalLimit);
