namespace Qkd.Gateway.Sensors;

/// <summary>Reads a simulated power monitor every 100 ms (a periodic timer on the injected clock) and hands each encoded sample on.</summary>
public static class SensorDriver
{
    /// <summary>Now as Unix time [us].</summary>
    public static long UnixMicroseconds(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
    }

    /// <summary>Runs until <paramref name="ct"/> fires; returns the number of samples produced.</summary>
    public static Task<long> RunAsync(PowerMonitorSimulator sensor, Action<byte[]> submit, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        ArgumentNullException.ThrowIfNull(submit);
        return EveryPeriodAsync(() =>
        {
            submit(sensor.Next(UnixMicroseconds(time)).ToBytes());
            return 1;
        }, time, ct);
    }

    /// <summary>
    /// Seed 003's fixed scheme at the router: one periodic timer reads every device per tick and hands on one
    /// <see cref="ReadingAggregate"/> of all of them. Runs until <paramref name="ct"/> fires; returns the number of readings produced.
    /// </summary>
    public static Task<long> RunAggregatedAsync(IReadOnlyList<(string DeviceId, PowerMonitorSimulator Sensor)> devices, Action<byte[]> submit,
        TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(submit);
        return EveryPeriodAsync(() =>
        {
            var now = UnixMicroseconds(time);
            submit(ReadingAggregate.Pack([.. devices.Select(d => (d.DeviceId, d.Sensor.Next(now)))]));
            return devices.Count;
        }, time, ct);
    }

    /// <summary>Calls <paramref name="tick"/> now and every sample period until <paramref name="ct"/> fires; returns the sum of what it returned.</summary>
    private static async Task<long> EveryPeriodAsync(Func<int> tick, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var timer = new PeriodicTimer(PowerMonitorSimulator.SamplePeriod, time);
        long n = 0;
        try
        {
            do
            {
                n += tick();
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        return n;
    }
}
