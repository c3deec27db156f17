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
    public static async Task<long> RunAsync(PowerMonitorSimulator sensor, Action<byte[]> submit, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        ArgumentNullException.ThrowIfNull(submit);
        ArgumentNullException.ThrowIfNull(time);
        using var timer = new PeriodicTimer(PowerMonitorSimulator.SamplePeriod, time);
        long n = 0;
        try
        {
            do
            {
                submit(sensor.Next(UnixMicroseconds(time)).ToBytes());
                n++;
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        return n;
    }
}
