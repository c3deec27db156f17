using System.Globalization;
using System.Text.RegularExpressions;

namespace Qkd.Kms.Load;

/// <summary>
/// The KME's own view of a load run, from its Prometheus <c>/metrics</c> scraped before and after the
/// measured period: the enc_keys latency histogram (<c>qkd_kms_request_duration_seconds</c>, all
/// status codes), the process's GC pause total and collection count, its allocated bytes and its CPU time
/// (process-wide: both KMEs of `kms dev` share one process). So a slow generator can neither hide nor fake a
/// result: the client's percentiles include the generator and the network, these do not.
/// </summary>
public sealed partial record ServerSnapshot(IReadOnlyList<(double UpperSeconds, double Cumulative)> Buckets, double GcPauseSeconds)
{
    /// <summary>Garbage collections of the process since start (generation 0 counts every collection).</summary>
    public double GcCollections { get; init; }

    /// <summary>Bytes the process allocated since start.</summary>
    public double AllocatedBytes { get; init; }

    /// <summary>CPU time of the process since start, seconds.</summary>
    public double CpuSeconds { get; init; }

    private const string EncKeysRoute = "route=\"/api/v1/keys/{slave_SAE_ID}/enc_keys\"";

    /// <summary>Reads the enc_keys buckets (summed over status codes) and the GC pause gauge from the text exposition format.</summary>
    public static ServerSnapshot Parse(string metricsText)
    {
        var sums = new SortedDictionary<double, double>();
        double gc = 0, collections = 0, allocated = 0, cpu = 0;
        foreach (var line in metricsText.Split('\n'))
        {
            if (line.StartsWith("qkd_kms_request_duration_seconds_bucket{", StringComparison.Ordinal) && line.Contains(EncKeysRoute, StringComparison.Ordinal))
            {
                var le = Le().Match(line).Groups[1].Value;
                var upper = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                sums[upper] = sums.GetValueOrDefault(upper) + Value(line);
            }
            else if (line.StartsWith("qkd_kms_process_gc_pause_seconds", StringComparison.Ordinal) && !line.StartsWith('#'))
            {
                gc = Value(line);
            }
            else if (line.StartsWith("qkd_kms_process_gc_collections{", StringComparison.Ordinal) && line.Contains("generation=\"0\"", StringComparison.Ordinal))
            {
                collections = Value(line);
            }
            else if (line.StartsWith("qkd_kms_process_allocated_bytes", StringComparison.Ordinal) && !line.StartsWith('#'))
            {
                allocated = Value(line);
            }
            else if (line.StartsWith("qkd_kms_process_cpu_seconds", StringComparison.Ordinal) && !line.StartsWith('#'))
            {
                cpu = Value(line);
            }
        }
        return new ServerSnapshot(sums.Select(kv => (kv.Key, kv.Value)).ToList(), gc) { GcCollections = collections, AllocatedBytes = allocated, CpuSeconds = cpu };
    }

    private static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>
    /// Quantile <paramref name="q"/> in milliseconds of the requests between <paramref name="before"/> and
    /// <paramref name="after"/>, interpolated linearly inside the bucket that holds the rank (as Prometheus'
    /// histogram_quantile does; docs: prometheus.io, "Histograms and summaries"); the error is at most the
    /// bucket's width. NaN when no request was recorded.
    /// </summary>
    public static double QuantileMs(ServerSnapshot before, ServerSnapshot after, double q)
    {
        var deltas = after.Buckets.Select(b => (b.UpperSeconds, Count: b.Cumulative - before.Buckets.FirstOrDefault(x => x.UpperSeconds == b.UpperSeconds).Cumulative)).ToList();
        if (deltas.Count == 0 || deltas[^1].Count <= 0)
        {
            return double.NaN;
        }
        var rank = q * deltas[^1].Count;
        double lower = 0, below = 0;
        foreach (var (upper, count) in deltas)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(upper))
                {
                    return lower * 1000;
                }
                var within = count - below;
                return (lower + ((upper - lower) * (within <= 0 ? 1 : (rank - below) / within))) * 1000;
            }
            lower = upper;
            below = count;
        }
        return lower * 1000;
    }

    /// <summary>Requests recorded between the snapshots.</summary>
    public static double Requests(ServerSnapshot before, ServerSnapshot after)
        => after.Buckets.Count == 0 ? 0 : after.Buckets[^1].Cumulative - (before.Buckets.Count == 0 ? 0 : before.Buckets[^1].Cumulative);

    [GeneratedRegex("le=\"([^\"]+)\"")]
    private static partial Regex Le();
}
