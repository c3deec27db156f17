namespace Qkd.Quantum;

/// <summary>
/// Bob's Pauli correction on one received qubit: apply X^XPower first, then Z^ZPower.
/// </summary>
public readonly record struct BobCorrection(int XPower, int ZPower)
{
    /// <summary>
    /// Correction of particle 2 (carries A through the GHZ channel) after Alice's Bell outcome on
    /// (A, 5) = (phase m1, parity m2) and the parity p = c1 xor c3 xor c6 of Charlie's X-basis
    /// results on 1, 3, 6: X^m2 then Z^(m1 xor p). Derivation in docs/quantum.md.
    /// </summary>
    public static BobCorrection ForGhzQubit(BellOutcome aliceA5, int charlieParity)
        => new(aliceA5.ParityBit, aliceA5.PhaseBit ^ (charlieParity & 1));

    /// <summary>
    /// Correction of particle 4 (carries B through the Bell pair 4-7) after Alice's Bell outcome on
    /// (B, 7): X^m2 then Z^m1, the correction of Bennett et al., PRL 70, 1895 (1993).
    /// </summary>
    public static BobCorrection ForBellQubit(BellOutcome aliceB7) => new(aliceB7.ParityBit, aliceB7.PhaseBit);

    /// <summary>Applies the correction to <paramref name="qubit"/> of <paramref name="state"/>.</summary>
    public void ApplyTo(StateVector state, int qubit)
    {
        if (XPower == 1)
        {
            state.X(qubit);
        }
        if (ZPower == 1)
        {
            state.Z(qubit);
        }
    }

    /// <summary>The operator as text, e.g. "Z.X", "X", "I".</summary>
    public override string ToString() => (XPower, ZPower) switch
    {
        (0, 0) => "I",
        (1, 0) => "X",
        (0, 1) => "Z",
        _ => "Z.X",
    };
}
