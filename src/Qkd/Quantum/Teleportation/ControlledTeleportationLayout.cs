namespace Qkd.Quantum;

/// <summary>
/// The nine qubits of the controlled teleportation of a two-qubit state (Lv, Cheng and Song,
/// "Digital Twins Based on Quantum Networking", IEEE Network 2022, Sec. "Encryption scheme",
/// Fig. 2): the unknown pair (A, B) and the channel particles 1..7. Particles 1, 2, 3, 5, 6 form
/// the five-qubit GHZ state, particles 4 and 7 the Bell state |Phi+>. Alice holds A, B, 5, 7;
/// Bob holds 2, 4; Charlie holds 1, 3, 6. Values are register indices of a <see cref="StateVector"/>.
/// </summary>
public static class ControlledTeleportationLayout
{
    /// <summary>Register size: A, B and particles 1..7.</summary>
    public const int QubitCount = 9;

    /// <summary>First unknown qubit (Alice); bit 0 of the input state's index.</summary>
    public const int A = 0;

    /// <summary>Second unknown qubit (Alice); bit 1 of the input state's index.</summary>
    public const int B = 1;

    /// <summary>Register index of seed particle <paramref name="particle"/> (1..7).</summary>
    public static int Particle(int particle) => (int)Guard.InRange(particle, 1, 7, "particle number") + 1;

    /// <summary>The GHZ particles 1, 2, 3, 5, 6 (as register indices), 5 first because it is the one Alice measures.</summary>
    public static ReadOnlySpan<int> GhzQubits => new[] { 6, 2, 3, 4, 7 };

    /// <summary>Charlie's particles 1, 3, 6 (register indices).</summary>
    public static ReadOnlySpan<int> CharlieQubits => new[] { 2, 4, 7 };

    /// <summary>Bob's particles 2 (receives A) and 4 (receives B), register indices, in input-bit order.</summary>
    public static ReadOnlySpan<int> BobQubits => new[] { 3, 5 };

    /// <summary>Alice's GHZ particle 5 (register index).</summary>
    public const int Particle5 = 6;

    /// <summary>Alice's Bell-pair particle 7 (register index).</summary>
    public const int Particle7 = 8;

    /// <summary>Bob's GHZ particle 2 (register index).</summary>
    public const int Particle2 = 3;

    /// <summary>Bob's Bell-pair particle 4 (register index).</summary>
    public const int Particle4 = 5;

    /// <summary>Who holds register qubit <paramref name="qubit"/>.</summary>
    public static Holder HolderOf(int qubit) => qubit switch
    {
        A or B or Particle5 or Particle7 => Holder.Alice,
        Particle2 or Particle4 => Holder.Bob,
        2 or 4 or 7 => Holder.Charlie,
        _ => throw new ArgumentOutOfRangeException(nameof(qubit), $"Register qubit must be within [0, 8], but was {qubit}."),
    };
}
