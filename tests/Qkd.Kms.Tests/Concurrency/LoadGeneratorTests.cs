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
}
