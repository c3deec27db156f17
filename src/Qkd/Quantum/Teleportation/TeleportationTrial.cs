namespace Qkd.Quantum;

/// <summary>One run of the controlled teleportation: the classical messages and Bob's fidelities.</summary>
/// <param name="AliceA5">Alice's Bell outcome on (A, 5).</param>
/// <param name="AliceB7">Alice's Bell outcome on (B, 7).</param>
/// <param name="CharlieBits">Charlie's X-basis results on particles 1, 3, 6 as bits 0, 1, 2.</param>
/// <param name="Probability">Probability of this branch (1/128 for every branch).</param>
/// <param name="Fidelity">&lt;chi|rho_Bob|chi&gt; after the full correction.</param>
/// <param name="FidelityWithoutController">Fidelity when Bob corrects with Alice's bits only (Charlie's qubits traced out).</param>
public sealed record TeleportationTrial(BellOutcome AliceA5, BellOutcome AliceB7, int CharlieBits, double Probability,
    double Fidelity, double FidelityWithoutController)
{
    /// <summary>Parity of Charlie's three results: the bit Bob needs from him.</summary>
    public int CharlieParity => System.Numerics.BitOperations.PopCount((uint)CharlieBits) & 1;
}
