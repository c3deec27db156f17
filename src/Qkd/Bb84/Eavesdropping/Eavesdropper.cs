namespace Qkd.Bb84.Eavesdropping;

/// <summary>An eavesdropper and the strength of her attack.</summary>
/// <remarks>
/// <see cref="Fraction"/> means, per kind: intercept-resend, the fraction of pulses Eve measures;
/// photon-number splitting, the fraction of pulses she attacks (photon-number measurement, splitting,
/// blocking); beam splitting, the fraction of the fibre's loss she collects. The models are in docs/bb84.md.
/// </remarks>
public sealed record Eavesdropper
{
    /// <summary>No eavesdropper.</summary>
    public static Eavesdropper None { get; } = new(EavesdropperKind.None, 0);

    /// <summary>The attack.</summary>
    public EavesdropperKind Kind { get; }

    /// <summary>Strength within [0, 1] (see remarks).</summary>
    public double Fraction { get; }

    public Eavesdropper(EavesdropperKind kind, double fraction)
    {
        Kind = kind;
        Fraction = Guard.InRange(fraction, 0, 1, "", "Eavesdropper fraction");
    }

    /// <summary>True when Eve touches the channel at all.</summary>
    public bool IsActive => Kind != EavesdropperKind.None && Fraction > 0;
}
