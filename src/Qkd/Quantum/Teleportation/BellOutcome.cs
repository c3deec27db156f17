namespace Qkd.Quantum;

/// <summary>
/// The result of a Bell-state measurement as two classical bits: the phase bit (0 for Phi+/Psi+,
/// 1 for Phi-/Psi-) and the parity bit (0 for Phi+-, the qubits agree; 1 for Psi+-, they differ).
/// </summary>
/// <remarks>
/// Bell states (Nielsen and Chuang 2000, Eq. (1.23)): |Phi+-> = (|00> +- |11>)/sqrt 2,
/// |Psi+-> = (|01> +- |10>)/sqrt 2. The measurement circuit CNOT(a -> b), H(a), then Z
/// measurements of a and b returns (phase, parity).
/// </remarks>
public readonly record struct BellOutcome(int PhaseBit, int ParityBit)
{
    /// <summary>All four outcomes in the order Phi+, Phi-, Psi+, Psi-.</summary>
    public static ReadOnlySpan<BellOutcome> All => new[] { new BellOutcome(0, 0), new BellOutcome(1, 0), new BellOutcome(0, 1), new BellOutcome(1, 1) };

    /// <summary>The outcome's index 0..3 (Phi+, Phi-, Psi+, Psi-) = phase + 2 parity.</summary>
    public int Index => PhaseBit + 2 * ParityBit;

    /// <summary>The Bell state's usual name.</summary>
    public override string ToString() => (PhaseBit, ParityBit) switch
    {
        (0, 0) => "Phi+",
        (1, 0) => "Phi-",
        (0, 1) => "Psi+",
        _ => "Psi-",
    };
}
