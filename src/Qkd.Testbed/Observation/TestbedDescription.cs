namespace Qkd.Testbed.Observation;

/// <summary>What the run is, as the dashboard's header and the report state it.</summary>
/// <param name="Supply">"bb84" (keys from the simulated link) or "random".</param>
/// <param name="Preset">Link preset (bb84 supply).</param>
/// <param name="DistanceKm">Fibre length of each link [km].</param>
/// <param name="BlockSeconds">Link time per distilled block [s].</param>
/// <param name="TimeScale">Link seconds per wall-clock second (1: in step).</param>
/// <param name="Scheme">"per-device" or "fixed".</param>
/// <param name="Sensors">Devices.</param>
/// <param name="Kmes">KMEs in the chain (2 or 3).</param>
/// <param name="Links">Link IDs in chain order.</param>
/// <param name="DurationSeconds">Planned sensing time [s of wall clock].</param>
/// <param name="Eavesdropper">The attacker and her window, or null.</param>
public sealed record TestbedDescription(string Supply, string Preset, double DistanceKm, double BlockSeconds, double TimeScale, string Scheme,
    int Sensors, int Kmes, IReadOnlyList<string> Links, double DurationSeconds, EavesdropperSummary? Eavesdropper);

/// <summary>The attacker of a run: her kind, strength, and window in wall-clock run seconds (link time = run time x time scale).</summary>
/// <param name="Kind">intercept-resend, pns or beam-splitting.</param>
/// <param name="Fraction">Strength in [0, 1] (see <see cref="Qkd.Bb84.Eavesdropping.Eavesdropper"/>).</param>
/// <param name="AtSeconds">Start [s of run time].</param>
/// <param name="UntilSeconds">End [s of run time]; null for "to the end".</param>
/// <param name="Link">The link she attacks (the first link of the chain).</param>
public sealed record EavesdropperSummary(string Kind, double Fraction, double AtSeconds, double? UntilSeconds, string Link);
