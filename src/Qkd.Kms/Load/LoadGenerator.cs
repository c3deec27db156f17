using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Load;

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
        using var lean = o.Client == LoadClient.Lean
            ? await LeanHttpClient.ConnectAsync(o.KmeUrl, cert, trust, path, body, o.Connections, ct)
            : null;
        if (o.Warmup > TimeSpan.Zero)
        {
            await RunOpenLoopAsync(http, lean, path, body, o with { Duration = o.Warmup }, ct);
        }
        var before = ServerSnapshot.Parse(await http.GetStringAsync("/metrics", ct));
        var result = await RunOpenLoopAsync(http, lean, path, body, o, ct, o.LatencyCsv);
        ServerSnapshot after;
        try
        {
            after = ServerSnapshot.Parse(await http.GetStringAsync("/metrics", ct));
            // The KME records a request's duration just after its response went out, so the last responses can reach
            // this process before their records are in the histogram: scrape again, briefly, until they all are.
            for (var retry = 0; retry < ScrapeRetries && ServerSnapshot.Requests(before, after) < result.Requests; retry++)
            {
                await Task.Delay(ScrapeRetryDelay, ct);
                after = ServerSnapshot.Parse(await http.GetStringAsync("/metrics", ct));
            }
        }
        catch (HttpRequestException)
        {
            // The KME went away during the run: the client's figures stand, the server's are unknown.
            return result with { Client = ClientName(o.Client) };
        }
        return result with
        {
            ServerP50Ms = ServerSnapshot.QuantileMs(before, after, 0.50),
            ServerP90Ms = ServerSnapshot.QuantileMs(before, after, 0.90),
            ServerP99Ms = ServerSnapshot.QuantileMs(before, after, 0.99),
            ServerRequests = ServerSnapshot.Requests(before, after),
            ServerGcPauseMs = (after.GcPauseSeconds - before.GcPauseSeconds) * 1000,
            ServerGcCollections = after.GcCollections - before.GcCollections,
            ServerCpuMsPerRequest = PerRequest((after.CpuSeconds - before.CpuSeconds) * 1000, result.Requests),
            ServerAllocatedBytesPerRequest = PerRequest(after.AllocatedBytes - before.AllocatedBytes, result.Requests),
            Client = ClientName(o.Client),
        };
    }

    /// <summary>One open-loop period of <see cref="LoadOptions.Duration"/> at <see cref="LoadOptions.RatePerSecond"/> on warm connections.</summary>
    private static async Task<LoadResult> RunOpenLoopAsync(HttpClient http, LeanHttpClient? lean, string path, string body, LoadOptions o, CancellationToken ct, string? csv = null)
    {
        var total = (long)Math.Round(o.RatePerSecond * o.Duration.TotalSeconds);
        var process = ProcessSnapshot.Take();
        var latencies = new double[total];
        var statuses = new int[total];
        var lags = new double[total];
        var tasks = new List<Task>((int)total);
        var start = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / o.RatePerSecond;
        long next = 0;
        // The lean client reports each outcome from a connection's read loop; the period ends when all are in.
        long completed = 0, dispatched = long.MaxValue;
        var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lean?.OnCompleted((i, status) =>
        {
            statuses[i] = status;
            latencies[i] = Stopwatch.GetElapsedTime(start + (long)(i * ticksPerRequest)).TotalMilliseconds;
            if (Interlocked.Increment(ref completed) == Volatile.Read(ref dispatched))
            {
                allIn.TrySetResult();
            }
        });
        // A dedicated thread dispatches: Task.Delay(1) on the thread pool woke 1-3 ms late under load
        // (the pool is busy with the responses), and that lag is counted in every latency. It sleeps
        // until the next scheduled start exactly (DispatchClock), not in whole milliseconds.
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
                    if (lean is not null)
                    {
                        lean.Send(i);
                    }
                    else
                    {
                        tasks.Add(SendTimedAsync(i, scheduled));
                    }
                }
                if (next < total)
                {
                    DispatchClock.SleepUntil(start + (long)Math.Ceiling(next * ticksPerRequest));
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
        if (lean is not null)
        {
            Volatile.Write(ref dispatched, next);
            if (Interlocked.Read(ref completed) == next)
            {
                allIn.TrySetResult();
            }
            // As HttpClient's timeout: a server that stops answering fails the run instead of hanging it.
            try
            {
                await allIn.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                throw new HttpRequestException($"{next - Interlocked.Read(ref completed)} requests got no response within 30 s");
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var used = ProcessSnapshot.Take() - process;
        if (csv is not null)
        {
            WriteCsv(csv, (int)next, ticksPerRequest, lags, latencies, statuses);
        }
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
            Percentile(lag, 0.50), Percentile(lag, 0.99))
        {
            ClientCpuMsPerRequest = PerRequest(used.CpuSeconds * 1000, next),
            ClientAllocatedBytesPerRequest = PerRequest(used.AllocatedBytes, next),
            ClientGcPauseMs = used.GcPauseSeconds * 1000,
            ClientGcCollections = used.GcCollections,
        };
    }

    /// <summary>One line per measured request: index, scheduled time from the period's start, dispatch lag, latency [ms], HTTP status (0: failed).</summary>
    private static void WriteCsv(string path, int count, double ticksPerRequest, double[] lags, double[] latencies, int[] statuses)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("request,scheduled_ms,dispatch_lag_ms,latency_ms,status");
        var msPerRequest = ticksPerRequest * 1000.0 / Stopwatch.Frequency;
        for (var i = 0; i < count; i++)
        {
            w.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i},{i * msPerRequest:F3},{lags[i]:F3},{latencies[i]:F3},{statuses[i]}"));
        }
    }

    private const int ScrapeRetries = 10;

    private static readonly TimeSpan ScrapeRetryDelay = TimeSpan.FromMilliseconds(20);

    private static string ClientName(LoadClient client) => client == LoadClient.Lean ? "lean" : "httpclient";

    private static double PerRequest(double total, long requests) => requests > 0 ? total / requests : double.NaN;

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
