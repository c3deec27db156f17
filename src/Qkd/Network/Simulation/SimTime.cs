using System.Runtime.CompilerServices;

namespace Qkd.Network;

/// <summary>
/// Simulated time of the network simulator: an integer count of ticks since the start of a run.
/// One tick is one microsecond (<see cref="TicksPerSecond"/> = 10^6), so a 64-bit count spans
/// about 292,000 years and event order never depends on floating-point rounding.
/// </summary>
/// <remarks>
/// Rates in the simulator are in keys per second; a duration in seconds converts to ticks once,
/// rounding to the nearest microsecond, when an event is scheduled. Two events in the same
/// microsecond run in (priority, scheduling order), see <see cref="EventQueue{T}"/>.
/// </remarks>
public readonly record struct SimTime(long Ticks) : IComparable<SimTime>
{
    /// <summary>Ticks per simulated second: the resolution is 1 microsecond.</summary>
    public const long TicksPerSecond = 1_000_000;

    /// <summary>The start of a run.</summary>
    public static SimTime Zero => default;

    /// <summary>Time from seconds, rounded to the nearest microsecond; within [0, 9.2e12] s.</summary>
    public static SimTime FromSeconds(double seconds)
    {
        Guard.InRange(seconds, 0, 9.2e12, "s", nameof(seconds));
        return new SimTime((long)Math.Round(seconds * TicksPerSecond));
    }

    /// <summary>This time in seconds.</summary>
    public double Seconds
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Ticks / (double)TicksPerSecond;
    }

    public int CompareTo(SimTime other) => Ticks.CompareTo(other.Ticks);

    public static bool operator <(SimTime a, SimTime b) => a.Ticks < b.Ticks;

    public static bool operator >(SimTime a, SimTime b) => a.Ticks > b.Ticks;

    public static bool operator <=(SimTime a, SimTime b) => a.Ticks <= b.Ticks;

    public static bool operator >=(SimTime a, SimTime b) => a.Ticks >= b.Ticks;

    public override string ToString() => $"{Seconds:G9} s";
}
