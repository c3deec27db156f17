namespace Qkd.Quantum;

/// <summary>Who holds a qubit in the controlled-teleportation channel.</summary>
public enum Holder
{
    /// <summary>The sender.</summary>
    Alice,

    /// <summary>The receiver.</summary>
    Bob,

    /// <summary>The controller.</summary>
    Charlie,
}
