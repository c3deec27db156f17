using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Load;

/// <summary>Parameters of an open-loop <c>enc_keys</c> load run.</summary>
public sealed record LoadOptions(Uri KmeUrl, string CaPem, string CertPem, string KeyPem, string SlaveSae,
    double RatePerSecond, TimeSpan Duration, int Number, int SizeBits, int Connections)
{
    /// <summary>
    /// Load at the same rate before the measured period, not counted: a freshly started server is still
    /// compiling its hot paths (tiered JIT) for several seconds, which is not its steady state.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;
}

/// <summary>
/// Result of a load run; latencies in milliseconds, measured from each request's scheduled start.
/// DispatchLag* is the generator's own part of them: from the scheduled start to the moment the
/// request was handed to the HTTP client (timer granularity and this process's thread pool).
/// </summary>
public sealed record LoadResult(long Requests, long Ok, long Errors, long Unavailable, double DurationSeconds, double AchievedRequestsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, double TargetRatePerSecond, int Connections,
    double DispatchLagP50Ms, double DispatchLagP99Ms)
{
    /// <summary>The KME's own enc_keys percentiles over the measured period (its /metrics histogram), ms; NaN when not scraped.</summary>
    public double ServerP50Ms { get; init; } = double.NaN;
    public double ServerP90Ms { get; init; } = double.NaN;
    public double ServerP99Ms { get; init; } = double.NaN;

    /// <summary>enc_keys requests the KME recorded over the measured period.</summary>
    public double ServerRequests { get; init; }

    /// <summary>Time the KME's process was paused for garbage collection over the measured period, ms.</summary>
    public double ServerGcPauseMs { get; init; }
}

/// <summary>
/// Open-loop load generator: request i is scheduled at t0 + i / rate whatever the server does, and
/// its latency is counted from that scheduled time, so a stalled server is not hidden
/// ("coordinated omission"). Keys received are wiped and never printed.
/// </summary>
public static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(LoadOptions o, CancellationToken ct)
    {
        using var trust = CertificateTrust.FromPem(o.CaPem);
        using var cert = DevCertificates.LoadWithKey(o.CertPem, o.KeyPem);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = o.Connections,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [cert],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, c, _, errors) => c is X509Certificate2 x && errors is SslPolicyErrors.None or SslPolicyErrors.RemoteCertificateChainErrors && trust.IsValidServer(x),
            },
        })
        { BaseAddress = o.KmeUrl, Timeout = TimeSpan.FromSeconds(30) };
        var path = $"/api/v1/keys/{Uri.EscapeDataString(o.SlaveSae)}/enc_keys";
        var body = $"{{\"number\":{o.Number},\"size\":{o.SizeBits}}}";

        // Warm-up: open the connections (TLS handshakes are not part of the steady state measured).
        await Task.WhenAll(Enumerable.Range(0, Math.Min(o.Connections, 8)).Select(_ => SendAsync(http, path, body, ct)));
        if (o.Warmup > TimeSpan.Zero)
        {
            await RunOpenLoopAsync(http, path, body, o with { Duration = o.Warmup }, ct);
        }
        var before = ServerSnapshot.Parse(await http.GetStringAsync("/metrics", ct));
        var result = await RunOpenLoopAsync(http, path, body, o, ct);
        var after = ServerSnapshot.Parse(await http.GetStringAsync("/metrics", ct));
        return result with
        {
            ServerP50Ms = ServerSnapshot.QuantileMs(before, after, 0.50),
            ServerP90Ms = ServerSnapshot.QuantileMs(before, after, 0.90),
            ServerP99Ms = ServerSnapshot.QuantileMs(before, after, 0.99),
            ServerRequests = ServerSnapshot.Requests(before, after),
            ServerGcPauseMs = (after.GcPauseSeconds - before.GcPauseSeconds) * 1000,
        };
    }

    /// <summary>One open-loop period of <see cref="LoadOptions.Duration"/> at <see cref="LoadOptions.RatePerSecond"/> on warm connections.</summary>
    private static async Task<LoadResult> RunOpenLoopAsync(HttpClient http, string path, string body, LoadOptions o, CancellationToken ct)
    {
        var total = (long)Math.Round(o.RatePerSecond * o.Duration.TotalSeconds);
        var latencies = new double[total];
        var statuses = new int[total];
        var lags = new double[total];
        var tasks = new List<Task>((int)total);
        var start = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / o.RatePerSecond;
        long next = 0;
        // A dedicated thread dispatches: Task.Delay(1) on the thread pool woke 1-3 ms late under load
        // (the pool is busy with the responses), and that lag is counted in every latency.
        var dispatcher = new Thread(() =>
        {
            while (next < total && !ct.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                var due = Math.Min(total, (long)((now - start) / ticksPerRequest) + 1);
                for (; next < due; next++)
                {
                    var i = next;
                    var scheduled = start + (long)(i * ticksPerRequest);
                    lags[i] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
                    tasks.Add(SendTimedAsync(i, scheduled));
                }
                if (next < total)
                {
                    // Whole milliseconds, at least one: a shorter sleep is a yield, and a spinning generator would take the server's CPU.
                    var waitMs = (start + (next * ticksPerRequest) - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                    Thread.Sleep(Math.Max(1, (int)Math.Ceiling(waitMs)));
                }
            }
        })
        { IsBackground = true, Name = "kms-load-dispatch" };
        dispatcher.Start();
        await Task.Run(dispatcher.Join, CancellationToken.None);

        async Task SendTimedAsync(long i, long scheduled)
        {
            statuses[i] = await SendAsync(http, path, body, ct);
            latencies[i] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
        }

        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var done = latencies.AsSpan(0, (int)next).ToArray();
        Array.Sort(done);
        var lag = lags.AsSpan(0, (int)next).ToArray();
        Array.Sort(lag);
        long ok = 0, unavailable = 0;
        for (var i = 0; i < next; i++)
        {
            ok += statuses[i] == 200 ? 1 : 0;
            unavailable += statuses[i] == 503 ? 1 : 0;
        }
        return new LoadResult(next, ok, next - ok, unavailable, elapsed, next / elapsed,
            Percentile(done, 0.50), Percentile(done, 0.90), Percentile(done, 0.99), done.Length > 0 ? done[^1] : 0, o.RatePerSecond, o.Connections,
            Percentile(lag, 0.50), Percentile(lag, 0.99));
    }

    /// <summary>Nearest-rank percentile of sorted values: x[ceil(p * n) - 1].</summary>
    public static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static async Task<int> SendAsync(HttpClient http, string path, string body, CancellationToken ct)
    {
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(path, content, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }
}
