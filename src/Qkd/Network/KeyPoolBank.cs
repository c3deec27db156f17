using System.Runtime.CompilerServices;

namespace Qkd.Network;

/// <summary>
/// The key pools of a run, one per link, as parallel arrays. Each pool fills linearly at its current
/// rate and is advanced lazily: <see cref="Advance"/> brings it from its last update to now,
/// M(t) = min(C, M(t0) + v (t - t0)), counting the part above C as wasted (overflow). Every key
/// ever added is therefore either still stored, consumed by a service, or wasted:
/// initial + generated = stored + consumed + wasted, exactly up to floating-point rounding.
/// </summary>
internal sealed class KeyPoolBank
{
    public readonly double[] Level;
    public readonly double[] Capacity;
    public readonly double[] Rate;
    public readonly double[] Generated;
    public readonly double[] Consumed;
    public readonly double[] Wasted;
    public readonly long[] LastTicks;
    public double InitialKeys;

    public KeyPoolBank(int count)
    {
        Level = new double[count];
        Capacity = new double[count];
        Rate = new double[count];
        Generated = new double[count];
        Consumed = new double[count];
        Wasted = new double[count];
        LastTicks = new long[count];
    }

    public int Count => Level.Length;

    /// <summary>Level difference below which a pool counts as full: 1e-9 of its capacity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FullTolerance(double capacity) => 1e-9 * capacity;

    /// <summary>Brings pool <paramref name="pool"/> to time <paramref name="nowTicks"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int pool, long nowTicks)
    {
        var dt = nowTicks - LastTicks[pool];
        if (dt <= 0)
        {
            return;
        }
        LastTicks[pool] = nowTicks;
        var rate = Rate[pool];
        if (rate <= 0)
        {
            return;
        }
        var added = rate * (dt * (1.0 / SimTime.TicksPerSecond));
        Generated[pool] += added;
        var room = Capacity[pool] - Level[pool];
        if (added > room)
        {
            Wasted[pool] += added - room;
            Level[pool] = Capacity[pool];
        }
        else
        {
            Level[pool] += added;
        }
    }

    /// <summary>Advances every pool.</summary>
    public void AdvanceAll(long nowTicks)
    {
        for (var i = 0; i < Level.Length; i++)
        {
            Advance(i, nowTicks);
        }
    }

    public static double Sum(double[] values)
    {
        var s = 0.0;
        foreach (var v in values)
        {
            s += v;
        }
        return s;
    }
}
