using System.Runtime.CompilerServices;

namespace Qkd.Network;

/// <summary>
/// The key pools of a run, one per link, as parallel arrays. Each pool fills linearly at its current
/// rate v and (holding-time services) drains at rate d, and is advanced lazily: <see cref="Advance"/>
/// brings it from its last update to now, M(t) = clamp(M(t0) + (v - d)(t - t0), 0, C), counting the
/// part above C as wasted (overflow) and the drained part as consumed (all of the stock when the pool
/// runs dry; the simulator drops services at that instant). Every key ever added is therefore either
/// still stored, consumed by a service, or wasted: initial + generated = stored + consumed + wasted,
/// exactly up to floating-point rounding.
/// </summary>
internal sealed class KeyPoolBank
{
    public readonly double[] Level;
    public readonly double[] Capacity;
    public readonly double[] Rate;
    public readonly double[] Drain;
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
        Drain = new double[count];
        Generated = new double[count];
        Consumed = new double[count];
        Wasted = new double[count];
        LastTicks = new long[count];
    }

    public int Count => Level.Length;

    /// <summary>Level difference below which a pool counts as full: 1e-9 of its capacity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FullTolerance(double capacityKeys) => 1e-9 * capacityKeys;

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
        var seconds = dt * (1.0 / SimTime.TicksPerSecond);
        var added = Rate[pool] * seconds;
        var taken = Drain[pool] * seconds;
        Generated[pool] += added;
        var level = Level[pool] + added - taken;
        if (level > Capacity[pool])
        {
            Wasted[pool] += level - Capacity[pool];
            Consumed[pool] += taken;
            Level[pool] = Capacity[pool];
        }
        else if (level < 0)
        {
            Consumed[pool] += Level[pool] + added;
            Level[pool] = 0;
        }
        else
        {
            Consumed[pool] += taken;
            Level[pool] = level;
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
