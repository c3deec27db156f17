using Qkd.Bb84.Link;

namespace Qkd.Bb84.Eavesdropping;

/// <summary>
/// An eavesdropper who attacks the link only during a window of link time: [<see cref="StartSeconds"/>,
/// <see cref="EndSeconds"/>). A link simulated in slices (<see cref="SimulationBlocks"/>) asks <see cref="At"/> which
/// attacker each slice meets; a slice is attacked when its start lies inside the window.
/// </summary>
/// <param name="Eve">The attack and its strength while the window is open.</param>
/// <param name="StartSeconds">Start of the window [s of link time], at least 0.</param>
/// <param name="EndSeconds">End of the window [s of link time], above the start; infinity for "to the end".</param>
public sealed record EavesdropperWindow(Eavesdropper Eve, double StartSeconds, double EndSeconds)
{
    /// <summary>No attack at any time.</summary>
    public static EavesdropperWindow None { get; } = new(Eavesdropper.None, 0, double.PositiveInfinity);

    /// <summary>Validates the window once.</summary>
    public EavesdropperWindow Validated()
    {
        Guard.NotNull(Eve);
        Guard.InRange(StartSeconds, 0, double.MaxValue, "s", "Eavesdropper window start");
        if (!(EndSeconds > StartSeconds))
        {
            throw new ArgumentException($"Eavesdropper window: the end ({EndSeconds} s) must lie after the start ({StartSeconds} s).");
        }
        return this;
    }

    /// <summary>True when the attacker is on at link time <paramref name="linkSeconds"/>.</summary>
    public bool IsOnAt(double linkSeconds) => Eve.IsActive && linkSeconds >= StartSeconds && linkSeconds < EndSeconds;

    /// <summary>The attacker a slice starting at <paramref name="sliceStartSeconds"/> meets.</summary>
    public Eavesdropper At(double sliceStartSeconds) => IsOnAt(sliceStartSeconds) ? Eve : Eavesdropper.None;
}
