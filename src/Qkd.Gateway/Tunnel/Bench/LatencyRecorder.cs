namespace Qkd.Gateway.Tunnel;

/// <summary>The last <see cref="Capacity"/> latency samples [ms] in a ring, with nearest-rank percentiles over them.</summary>
public sealed class LatencyRecorder
{
    public const int Capacity = 8192;
    private readonly double[] _ring = new double[Capacity];
    private readonly Lock _gate = new();
    private long _count;

    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Add(double ms)
    {
        lock (_gate)
        {
            _ring[_count % Capacity] = ms;
            _count++;
        }
    }

    /// <summary>Nearest-rank percentile, <paramref name="q"/> in (0, 1]; NaN without samples.</summary>
    public double Percentile(double q)
    {
        double[] copy;
        lock (_gate)
        {
            var n = (int)Math.Min(_count, Capacity);
            if (n == 0)
            {
                return double.NaN;
            }
            copy = _ring.AsSpan(0, n).ToArray();
        }
        Array.Sort(copy);
        var rank = (int)Math.Ceiling(q * copy.Length);
        return copy[Math.Clamp(rank - 1, 0, copy.Length - 1)];
    }
}
