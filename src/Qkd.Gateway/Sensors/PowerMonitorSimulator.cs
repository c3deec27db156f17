using Qkd.Bits;

namespace Qkd.Gateway.Sensors;

/// <summary>
/// A seeded stand-in for the power monitor on the Turin pilot line's robot arm (seed 002, Fig. 5b: the arm's
/// current over 60 min, sampled every 100 ms, with a marked peak after about 25 min). The signal is a
/// synthetic activity pattern shaped after that figure, not a fit to its data:
/// <list type="bullet">
/// <item>current I(t) = I_idle + motion(t mod T_cycle) + peak(t) + noise, with I_idle = 0.8 A, a pick-and-place
/// cycle of T_cycle = 8 s (acceleration 0-1.5 s at +2.7 A, travel 1.5-3.5 s at +1.4 A, braking 3.5-4 s at
/// +2.0 A, dwell 4-8 s at +0.2 A, edges smoothed over 0.2 s), a heavy-load interval 25:00-26:30 where
/// the motion term is multiplied by 1.8, and Gaussian noise sigma 0.04 A;</item>
/// <item>voltage V(t) = 230 V + 0.8 V sin(2 pi t / 600 s) - 0.35 ohm * I(t) + noise sigma 0.15 V (line
/// impedance droop and slow mains wander);</item>
/// <item>active power P = V I cos(phi), cos(phi) = 0.78 at idle rising to 0.93 under motion.</item>
/// </list>
/// Sample k is at t = k * 100 ms; the same seed and device give the same samples.
/// </summary>
public sealed class PowerMonitorSimulator
{
    /// <summary>Sampling period of the PAC4200 in the Turin testbed (seed 002: "collected with a frequency of 100ms").</summary>
    public static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(100);

    private const double IdleCurrentA = 0.8;
    private const double CycleSeconds = 8;
    private const double PeakStartSeconds = 25 * 60;
    private const double PeakEndSeconds = 26.5 * 60;
    private const double PeakFactor = 1.8;
    private const double CurrentNoiseA = 0.04;
    private const double NominalVoltageV = 230;
    private const double DroopOhm = 0.35;
    private const double VoltageNoiseV = 0.15;
    private SimRandom _random;
    private uint _next;

    public PowerMonitorSimulator(ulong seed, int deviceIndex)
    {
        Seed = seed;
        DeviceIndex = deviceIndex;
        _random = SimRandom.ForStream(seed, (ulong)deviceIndex);
        // Devices start at different points of their work cycle.
        PhaseSeconds = _random.NextDouble() * CycleSeconds;
    }

    public ulong Seed { get; }
    public int DeviceIndex { get; }
    public double PhaseSeconds { get; }

    /// <summary>The next sample, stamped <paramref name="timestampUnixUs"/>.</summary>
    public PowerSample Next(long timestampUnixUs)
    {
        var k = _next++;
        var t = k * SamplePeriod.TotalSeconds;
        var motion = MotionCurrentA((t + PhaseSeconds) % CycleSeconds);
        if (t >= PeakStartSeconds && t < PeakEndSeconds)
        {
            motion *= PeakFactor;
        }
        var current = Math.Max(0, IdleCurrentA + motion + CurrentNoiseA * Gaussian());
        var voltage = NominalVoltageV + 0.8 * Math.Sin(2 * Math.PI * t / 600) - DroopOhm * current + VoltageNoiseV * Gaussian();
        var powerFactor = 0.78 + 0.15 * Math.Min(1, motion / 2.7);
        return new PowerSample(k, timestampUnixUs, (float)voltage, (float)current, (float)(voltage * current * powerFactor));
    }

    /// <summary>Motion part of the current [A] at position <paramref name="s"/> [s] in the 8 s cycle (piecewise levels, 0.2 s cosine edges).</summary>
    public static double MotionCurrentA(double s)
    {
        ReadOnlySpan<double> starts = [0, 1.5, 3.5, 4, 8];
        ReadOnlySpan<double> levels = [2.7, 1.4, 2.0, 0.2];
        const double edge = 0.2;
        for (var i = 0; i < levels.Length; i++)
        {
            if (s < starts[i + 1])
            {
                var previous = levels[(i + levels.Length - 1) % levels.Length];
                var into = s - starts[i];
                if (into < edge)
                {
                    var w = 0.5 - 0.5 * Math.Cos(Math.PI * into / edge);
                    return previous + (levels[i] - previous) * w;
                }
                return levels[i];
            }
        }
        return levels[^1];
    }

    private double Gaussian()
    {
        // Box-Muller transform: z = sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1], u2 in [0, 1).
        var u1 = _random.NextDoubleNonZero();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
