namespace Qkd.Network;

/// <summary>
/// Optional hook into a run, for tests and tracing. When an observer is attached the simulator
/// advances every pool after each event so that the observer sees true levels (this costs O(pools)
/// per event; runs without an observer do not pay it).
/// </summary>
public interface INetworkObserver
{
    /// <summary>After each event: every pool's level [keys] and capacity [keys] at <paramref name="now"/>.</summary>
    void AfterEvent(SimTime now, ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities);

    /// <summary>
    /// A service decided: its end nodes, the path it was charged on (empty when blocked), and the
    /// levels of every pool just before and just after the decision.
    /// </summary>
    void OnService(int source, int destination, ReadOnlySpan<int> path, ReadOnlySpan<double> levelsBefore, ReadOnlySpan<double> levelsAfter);
}
