namespace Qkd.Physics;

/// <summary>Direction of a classical channel relative to the quantum signal (Alice to Bob).</summary>
public enum PropagationDirection
{
    /// <summary>Launched at Alice's end: Bob sees forward Raman scattering and the attenuated carrier.</summary>
    CoPropagating,

    /// <summary>Launched at Bob's end: Bob sees backward Raman scattering and near-end leakage.</summary>
    CounterPropagating,
}
