using Qkd.Kms.Load;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Concurrency;

/// <summary>The open-loop generator of `qkd kms load` against a real two-KME network.</summary>
public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task OpenLoopRun_SendsRateTimesDurationRequests_AllServed_LagWithinLatency()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256L * 400);
        var sae = t.Net.Info.Saes.Single(s => s.Id == "SAE_A");

        var r = await LoadGenerator.RunAsync(new LoadOptions(t.Host("KME_A").Url, t.Net.Info.Ca, sae.Cert, sae.Key, "SAE_B",
            RatePerSecond: 200, Duration: TimeSpan.FromSeconds(0.5), Number: 1, SizeBits: 256, Connections: 4), CancellationToken.None);

        Assert.Equal(100, r.Requests);
        Assert.Equal(100, r.Ok);
        Assert.Equal(0, r.Errors);
        Assert.True(r.P50Ms <= r.P90Ms && r.P90Ms <= r.P99Ms && r.P99Ms <= r.MaxMs);
        Assert.InRange(r.DispatchLagP50Ms, 0, r.P50Ms);
        Assert.InRange(r.DispatchLagP99Ms, 0, r.MaxMs);
        // Warm-up requests (up to min(connections, 8)) plus the measured ones, one unit each.
        Assert.Equal(100 + 4, (long)t.Host("KME_A").Metrics.KeysServed.WithLabels("master").Value);
        // The KME's own view of the same 100 requests, from its /metrics (bucket interpolation: within 25 %).
        Assert.Equal(100, r.ServerRequests);
        Assert.True(r.ServerP50Ms > 0 && r.ServerP50Ms <= r.ServerP90Ms && r.ServerP90Ms <= r.ServerP99Ms);
        Assert.True(r.ServerP99Ms <= r.MaxMs * 1.25, $"server p99 {r.ServerP99Ms} ms above the client's max {r.MaxMs} ms");
        Assert.True(r.ServerGcPauseMs >= 0);
        // The KME process's CPU and allocation per request, and the generator's own (the figures that do not depend on the machine's load).
        Assert.InRange(r.ServerCpuMsPerRequest, 1e-3, 1e3);
        Assert.InRange(r.ServerAllocatedBytesPerRequest, 1, 10_000_000);
        Assert.InRange(r.ClientCpuMsPerRequest, 1e-3, 1e3);
        Assert.InRange(r.ClientAllocatedBytesPerRequest, 1, 10_000_000);
        Assert.True(r.ServerGcCollections >= 0 && r.ClientGcCollections >= 0 && r.ClientGcPauseMs >= 0);
    }

    [Fact]
    public void ServerSnapshot_QuantileOfTheDifference_InterpolatesInsideTheBucketAndSumsStatusCodes()
    {
        static string Text(int under1ms200, int under2ms200, int under2ms503, int all, double gc, long allocated = 0, double cpu = 0, int collections = 0) => string.Join('\n',
            "# HELP qkd_kms_request_duration_seconds Request latency per route.",
            $"qkd_kms_request_duration_seconds_bucket{{route=\"/api/v1/keys/{{slave_SAE_ID}}/enc_keys\",code=\"200\",kme=\"KME_A\",le=\"0.001\"}} {under1ms200}",
            $"qkd_kms_request_duration_seconds_bucket{{route=\"/api/v1/keys/{{slave_SAE_ID}}/enc_keys\",code=\"200\",kme=\"KME_A\",le=\"0.002\"}} {under2ms200}",
            $"qkd_kms_request_duration_seconds_bucket{{route=\"/api/v1/keys/{{slave_SAE_ID}}/enc_keys\",code=\"200\",kme=\"KME_A\",le=\"+Inf\"}} {under2ms200}",
            $"qkd_kms_request_duration_seconds_bucket{{route=\"/api/v1/keys/{{slave_SAE_ID}}/enc_keys\",code=\"503\",kme=\"KME_A\",le=\"0.001\"}} 0",
            $"qkd_kms_request_duration_seconds_bucket{{route=\"/api/v1/keys/{{slave_SAE_ID}}/enc_keys\",code=\"503\",kme=\"KME_A\",le=\"0.002\"}} {under2ms503}",
            $"qkd_kms_request_duration_seconds_bucket{{route=\"/api/v1/keys/{{slave_SAE_ID}}/enc_keys\",code=\"503\",kme=\"KME_A\",le=\"+Inf\"}} {all - under2ms200}",
            $"qkd_kms_request_duration_seconds_bucket{{route=\"/healthz\",code=\"200\",kme=\"KME_A\",le=\"0.001\"}} 999",
            $"qkd_kms_process_gc_pause_seconds{{kme=\"KME_A\"}} {gc.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "# HELP qkd_kms_process_allocated_bytes Bytes the process allocated on the managed heap since start (all KMEs of the process).",
            $"qkd_kms_process_allocated_bytes{{kme=\"KME_A\"}} {allocated}",
            $"qkd_kms_process_cpu_seconds{{kme=\"KME_A\"}} {cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            $"qkd_kms_process_gc_collections{{kme=\"KME_A\",generation=\"0\"}} {collections}",
            $"qkd_kms_process_gc_collections{{kme=\"KME_A\",generation=\"1\"}} {collections / 10}");
        var before = ServerSnapshot.Parse(Text(10, 10, 0, 10, 0.5));
        // 100 more: 50 under 1 ms, 40 in (1, 2] ms (30 ok, 10 refused), 10 slower than 2 ms.
        var after = ServerSnapshot.Parse(Text(60, 90, 10, 110, 0.75, allocated: 2_000_000, cpu: 1.5, collections: 40));

        Assert.Equal(100, ServerSnapshot.Requests(before, after));
        Assert.Equal(1.0, ServerSnapshot.QuantileMs(before, after, 0.50), 9);
        Assert.Equal(1.5, ServerSnapshot.QuantileMs(before, after, 0.70), 9);
        Assert.Equal(2.0, ServerSnapshot.QuantileMs(before, after, 0.99), 9);
        Assert.Equal(250, (after.GcPauseSeconds - before.GcPauseSeconds) * 1000, 9);
        Assert.Equal(2_000_000, after.AllocatedBytes - before.AllocatedBytes);
        Assert.Equal(1.5, after.CpuSeconds - before.CpuSeconds, 9);
        Assert.Equal(40, after.GcCollections - before.GcCollections);
    }

    [Fact]
    public async Task LatencyCsv_HasOneLinePerMeasuredRequest_InScheduleOrder()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256L * 200);
        var sae = t.Net.Info.Saes.Single(s => s.Id == "SAE_A");
        using var dir = new TempDir();
        var csv = dir.File("latency.csv");

        var r = await LoadGenerator.RunAsync(new LoadOptions(t.Host("KME_A").Url, t.Net.Info.Ca, sae.Cert, sae.Key, "SAE_B",
            RatePerSecond: 200, Duration: TimeSpan.FromSeconds(0.25), Number: 1, SizeBits: 256, Connections: 2) { Warmup = TimeSpan.FromSeconds(0.1), LatencyCsv = csv },
            CancellationToken.None);

        var lines = File.ReadAllLines(csv);
        Assert.Equal("request,scheduled_ms,dispatch_lag_ms,latency_ms,status", lines[0]);
        Assert.Equal(r.Requests, lines.Length - 1);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(Enumerable.Range(0, rows.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(c => c[0]));
        // 200 req/s: request i is scheduled at 5 i ms; every latency is at least its dispatch lag, and the maximum is the run's.
        Assert.All(rows, c => Assert.Equal(5.0 * int.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture), 3));
        Assert.All(rows, c => Assert.True(double.Parse(c[3], System.Globalization.CultureInfo.InvariantCulture) >= double.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows, c => Assert.Equal("200", c[4]));
        // The file has three decimals: within half a thousandth of the run's maximum (comparing both rounded to two
        // decimals failed when the maximum sat on a rounding boundary, e.g. 21.3546 written as 21.355).
        Assert.Equal(r.MaxMs, rows.Max(c => double.Parse(c[3], System.Globalization.CultureInfo.InvariantCulture)), 0.0006);
    }

    [Fact]
    public async Task WarmupRequests_AreSentAtTheRateButNotCounted()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256L * 400);
        var sae = t.Net.Info.Saes.Single(s => s.Id == "SAE_A");

        var r = await LoadGenerator.RunAsync(new LoadOptions(t.Host("KME_A").Url, t.Net.Info.Ca, sae.Cert, sae.Key, "SAE_B",
            RatePerSecond: 200, Duration: TimeSpan.FromSeconds(0.25), Number: 1, SizeBits: 256, Connections: 2) { Warmup = TimeSpan.FromSeconds(0.25) },
            CancellationToken.None);

        Assert.Equal(50, r.Requests);
        Assert.Equal(50, r.Ok);
        Assert.Equal(2, r.Connections);
        // Connection warm-up (2) + timed warm-up (50) + measured (50), one unit each.
        Assert.Equal(2 + 50 + 50, (long)t.Host("KME_A").Metrics.KeysServed.WithLabels("master").Value);
    }

    [Theory]
    [InlineData(LoadClient.Lean, "lean")]
    [InlineData(LoadClient.HttpClient, "httpclient")]
    public async Task EitherClient_ServesEveryRequest_AndTheResultNamesIt(LoadClient client, string name)
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256L * 400);
        var sae = t.Net.Info.Saes.Single(s => s.Id == "SAE_A");

        var r = await LoadGenerator.RunAsync(new LoadOptions(t.Host("KME_A").Url, t.Net.Info.Ca, sae.Cert, sae.Key, "SAE_B",
            RatePerSecond: 400, Duration: TimeSpan.FromSeconds(0.25), Number: 2, SizeBits: 128, Connections: 3) { Client = client },
            CancellationToken.None);

        Assert.Equal(100, r.Requests);
        Assert.Equal(100, r.Ok);
        Assert.Equal(name, r.Client);
        // Two keys per request: the measured ones and the connection warm-up's (3 requests).
        Assert.Equal(2 * (100 + 3), (long)t.Host("KME_A").Metrics.KeysServed.WithLabels("master").Value);
    }

    [Fact]
    public async Task LeanClient_KmeGoneMidRun_CountsTheFailuresAndEnds()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256L * 400);
        var sae = t.Net.Info.Saes.Single(s => s.Id == "SAE_A");

        var run = LoadGenerator.RunAsync(new LoadOptions(t.Host("KME_A").Url, t.Net.Info.Ca, sae.Cert, sae.Key, "SAE_B",
            RatePerSecond: 200, Duration: TimeSpan.FromSeconds(1.5), Number: 1, SizeBits: 256, Connections: 2), CancellationToken.None);
        // Stop the KME once the measured period is under way (2 connection warm-up keys, then at least 10 measured),
        // however long the handshakes took on a busy machine.
        var served = t.Host("KME_A").Metrics.KeysServed.WithLabels("master");
        for (var waited = 0; served.Value < 2 + 10 && waited < 400; waited++)
        {
            await Task.Delay(25);
        }
        await t.Host("KME_A").DisposeAsync();
        var r = await run.WaitAsync(TimeSpan.FromSeconds(60));

        // The requests after the stop fail (refused connections), the run ends on time, and the KME's figures are
        // unknown (its /metrics is gone with it) instead of failing the whole report.
        Assert.Equal(300, r.Requests);
        Assert.InRange(r.Ok, 1, 299);
        Assert.Equal(r.Requests - r.Ok, r.Errors);
        Assert.True(double.IsNaN(r.ServerP99Ms));
    }
}
