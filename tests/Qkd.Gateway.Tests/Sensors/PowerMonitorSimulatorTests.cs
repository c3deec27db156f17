using Qkd.Gateway.Sensors;

namespace Qkd.Gateway.Tests.Sensors;

/// <summary>The seeded power-monitor stand-in (seed 002, Fig. 5b shape).</summary>
public sealed class PowerMonitorSimulatorTests
{
    private static List<PowerSample> Run(ulong seed, int device, int count)
    {
        var s = new PowerMonitorSimulator(seed, device);
        return Enumerable.Range(0, count).Select(i => s.Next(i * 100_000L)).ToList();
    }

    [Fact]
    public void SameSeedAndDevice_GiveTheSameSamples_OtherDevicesDiffer()
    {
        Assert.Equal(Run(3, 0, 200), Run(3, 0, 200));
        Assert.NotEqual(Run(3, 0, 200), Run(3, 1, 200));
        Assert.NotEqual(Run(3, 0, 200), Run(4, 0, 200));
    }

    [Fact]
    public void Signal_StaysInThePhysicalRangeOfA230VRobotArmFeed()
    {
        foreach (var s in Run(9, 0, 3000))
        {
            Assert.InRange(s.VoltageV, 226f, 232f);
            Assert.InRange(s.CurrentA, 0.5f, 4f);
            Assert.InRange(s.ActivePowerW / (s.VoltageV * s.CurrentA), 0.77f, 0.94f);
        }
    }

    [Fact]
    public void PeakAfter25Minutes_RaisesTheMeanCurrent()
    {
        var samples = Run(11, 0, 27 * 600);
        double Mean(int fromMin, int toMin) => samples.Skip(fromMin * 600).Take((toMin - fromMin) * 600).Average(s => s.CurrentA);
        Assert.True(Mean(25, 26) > 1.3 * Mean(20, 21));
    }

    [Fact]
    public void MotionCurrent_IsContinuousAcrossTheCycle()
    {
        var previous = PowerMonitorSimulator.MotionCurrentA(0);
        for (var t = 0.001; t < 8; t += 0.001)
        {
            var v = PowerMonitorSimulator.MotionCurrentA(t);
            Assert.True(Math.Abs(v - previous) < 0.05, $"jump at {t} s");
            previous = v;
        }
        Assert.True(Math.Abs(PowerMonitorSimulator.MotionCurrentA(7.999) - PowerMonitorSimulator.MotionCurrentA(0)) < 0.05);
    }

    [Fact]
    public void Sample_EncodesTo24BytesAndBack()
    {
        var s = Run(1, 0, 5)[4];
        Assert.Equal(s, PowerSample.TryRead(s.ToBytes()));
        Assert.Null(PowerSample.TryRead(new byte[23]));
    }
}
