namespace Qkd.Quantum;

/// <summary>The attack on Bob's photons in the entanglement-based protocol.</summary>
public enum E91Eavesdropper
{
    /// <summary>No eavesdropper.</summary>
    None,

    /// <summary>Eve measures every photon to Bob in one of Bob's analyser angles at random and resends the state found.</summary>
    InterceptResend,
}
