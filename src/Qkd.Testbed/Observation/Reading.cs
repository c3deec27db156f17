namespace Qkd.Testbed.Observation;

/// <summary>One reading as decrypted and stored at the edge (the dashboard's plot; public data of the demo).</summary>
/// <param name="Device">Device ID.</param>
/// <param name="RunSeconds">Measurement time since the run started [s].</param>
/// <param name="CurrentA">Current [A].</param>
/// <param name="ActivePowerW">Active power [W].</param>
public sealed record Reading(string Device, double RunSeconds, double CurrentA, double ActivePowerW);
