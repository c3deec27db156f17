namespace Qkd.Physics;

/// <summary>What the transmitter emits per pulse.</summary>
public enum SourceKind
{
    /// <summary>Exactly one photon per pulse (ideal source).</summary>
    SinglePhoton,

    /// <summary>Attenuated laser: Poisson photon number with mean mu (phase randomised).</summary>
    WeakCoherent,
}
