namespace Qkd.Testbed.Link;

/// <summary>What one slice of link time showed (public counts only, never key bits).</summary>
/// <param name="LinkId">The link, e.g. LINK_A_B.</param>
/// <param name="LinkSeconds">Link time at the end of the slice [s].</param>
/// <param name="RunSeconds">Wall-clock time since the run started when the slice was released [s].</param>
/// <param name="Pulses">Pulses Alice sent in the slice.</param>
/// <param name="Detections">Bob's clicks.</param>
/// <param name="SiftedBits">Sifted key bits left after disclosure.</param>
/// <param name="SiftedRateBps">Sifted bits per second of link time [bit/s].</param>
/// <param name="QberSignal">Error rate of the disclosed key-basis bits of the signal intensity (NaN when none).</param>
/// <param name="QberDecoy">The same for the decoy intensity (NaN when none or no decoy).</param>
/// <param name="WindowQber">Key-basis error rate over the alarm window (all intensities), NaN when nothing was disclosed.</param>
/// <param name="WindowE1Upper">Upper bound on the single-photon error rate from the window's decoy statistics.</param>
/// <param name="WindowY1Lower">Lower bound on the single-photon yield from the window's decoy statistics.</param>
/// <param name="EveOn">Whether the attacker touched this slice (the simulator knows; the link does not).</param>
/// <param name="Alarm">Whether the live alarm is raised after this slice (see <see cref="LiveLink"/>).</param>
/// <param name="WindowDecoyGainZ">z of the decoy's share of the window's clicks against the honest channel
/// (<see cref="Qkd.Bb84.Estimation.DecoyGainCheck"/>; NaN without a decoy): strongly negative under photon-number splitting.</param>
/// <param name="AlarmReason">Why the alarm is raised ("qber", "decoy" or "qber+decoy"), empty when it is not.</param>
public sealed record LinkSecond(
    string LinkId, double LinkSeconds, double RunSeconds, long Pulses, long Detections, long SiftedBits, double SiftedRateBps,
    double QberSignal, double QberDecoy, double WindowQber, double WindowE1Upper, double WindowY1Lower, bool EveOn, bool Alarm,
    double WindowDecoyGainZ = double.NaN, string AlarmReason = "");
