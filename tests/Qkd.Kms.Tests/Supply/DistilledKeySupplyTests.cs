using Qkd.Bb84.Link;
using Qkd.Distillation;
using Qkd.Kms.Dev;
using Qkd.Kms.Supply;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Supply;

/// <summary>
/// The KMS fed by the simulated BB84 link and post-processing chain: pacing on a fake clock, the released bytes being
/// the chain's final key, dropped blocks, and a development network serving the distilled key to an SAE pair.
/// </summary>
public sealed class DistilledKeySupplyTests
{
    /// <summary>Turin at 300 s per block: ~7.5e5 sifted bits, ~1.8e5 secret bits net of authentication (see DistilledLinkOptions).</summary>
    private static DistilledLinkOptions SecureTurin(ulong seed) => new() { Preset = "turin", BlockSeconds = 300, Seed = seed };

    /// <summary>Turin at 1 s per block: ~2.5e3 sifted bits, too few for the one-decoy finite-key bound to leave any key.</summary>
    private static DistilledLinkOptions ShortTurin(ulong seed) => new() { Preset = "turin", BlockSeconds = 1, Seed = seed };

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OneMs = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Blocks_AreReleasedOnlyAfterTheirSimulatedLinkTime()
    {
        var clock = new WatchedClock(DateTimeOffset.UnixEpoch);
        var supply = new DistilledKeySupply("L", SecureTurin(11), clock);
        using var cts = new CancellationTokenSource();
        var blocks = supply.ReadBlocksAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        try
        {
            for (var j = 1; j <= 2; j++)
            {
                var next = blocks.MoveNextAsync().AsTask();
                await clock.NextTimerAsync(Patience);
                Assert.False(next.IsCompleted);
                clock.Advance(TimeSpan.FromSeconds(300) - OneMs);
                Assert.False(next.IsCompleted);
                Assert.InRange(supply.BlocksComputed, j, j + 2);
                clock.Advance(OneMs);
                Assert.True(await next.WaitAsync(Patience));
                Assert.Equal(j, supply.BlocksProduced);
                Assert.Equal(300.0 * j, supply.LinkSeconds, 6);
                Assert.True(blocks.Current.LengthBits > 10_000);
            }
            Assert.Equal(0, supply.BlocksDropped);
        }
        finally
        {
            await cts.CancelAsync();
            await blocks.DisposeAsync();
        }
    }

    [Fact]
    public async Task Blocks_ComputedAfterTheirTimeHasPassed_AreReleasedAsSoonAsReady()
    {
        var clock = new WatchedClock(DateTimeOffset.UnixEpoch);
        var slowChain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var supply = new DistilledKeySupply("L", SecureTurin(12), clock, null, async (simulation, ct) =>
        {
            await slowChain.Task.WaitAsync(ct);
            return await KeyDistillation.DistillAsync(simulation, DistilledKeySupply.Options, TimeProvider.System, ct);
        });
        using var cts = new CancellationTokenSource();
        var blocks = supply.ReadBlocksAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        try
        {
            var next = blocks.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromSeconds(1000));
            slowChain.SetResult();
            Assert.True(await next.WaitAsync(Patience));
            Assert.True(await blocks.MoveNextAsync().AsTask().WaitAsync(Patience));
            Assert.Equal(0, clock.TimersCreated);
            Assert.Equal(2, supply.BlocksProduced);
        }
        finally
        {
            await cts.CancelAsync();
            await blocks.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReleasedBytes_AreTheChainsFinalKeyOfTheBlockSeed_WhoseSimulationIsDeterministic()
    {
        var link = SecureTurin(13);
        Qkd.Bits.BitString? siftedAlice = null;
        ulong simulatedSeed = 0;
        byte[]? aliceFinal = null;
        var aliceFinalBits = 0;
        var clock = new WatchedClock(DateTimeOffset.UnixEpoch);
        var supply = new DistilledKeySupply("L", link, clock, null, async (simulation, ct) =>
        {
            var first = siftedAlice is null;
            if (first)
            {
                simulatedSeed = simulation.Settings.Seed;
                siftedAlice = simulation.AliceSiftedKey.Clone();
            }
            var result = await KeyDistillation.DistillAsync(simulation, DistilledKeySupply.Options, TimeProvider.System, ct);
            if (first && result.PostProcessing.AliceKeys[0] is { } key)
            {
                aliceFinal = key.ToBytes();
                aliceFinalBits = key.Length;
            }
            return result;
        });
        byte[] released;
        using (var cts = new CancellationTokenSource())
        {
            var blocks = supply.ReadBlocksAsync(cts.Token).GetAsyncEnumerator(cts.Token);
            try
            {
                var next = blocks.MoveNextAsync().AsTask();
                clock.Advance(TimeSpan.FromSeconds(1000));
                Assert.True(await next.WaitAsync(Patience));
                released = (byte[])blocks.Current.Key.Clone();
            }
            finally
            {
                await cts.CancelAsync();
                await blocks.DisposeAsync();
            }
        }

        // The block the supply simulated is the one its seed names, and simulating that seed again gives the same sifted key.
        Assert.Equal(link.BlockSeed(0), simulatedSeed);
        var again = LinkSimulator.Run(link.BlockSettings(0), maxThreads: 1);
        Assert.Equal(siftedAlice, again.AliceSiftedKey);
        // The released bytes are the chain's final key (whole bytes) for that block.
        Assert.NotNull(aliceFinal);
        Assert.Equal(aliceFinalBits / 8, released.Length);
        Assert.Equal(aliceFinal.AsSpan(0, released.Length).ToArray(), released);
        // Distilling the same seed directly gives a key of the same length, but other bytes: privacy amplification
        // draws its Toeplitz seed from the CSPRNG, so the final key is not a function of the (public) simulation seed.
        var direct = await KeyDistillation.DistillAsync(again, DistilledKeySupply.Options, TimeProvider.System);
        Assert.Equal(aliceFinalBits, direct.PostProcessing.AliceKeys[0]!.Length);
        Assert.NotEqual(released, direct.PostProcessing.AliceKeys[0]!.ToBytes().AsSpan(0, released.Length).ToArray());
        Assert.Equal(released.LongLength * 8, supply.SecretBits);
    }

    [Fact]
    public async Task BlocksTheChainCannotMakeSecure_AreDroppedCountedAndLoggedWithoutKeys()
    {
        var clock = new WatchedClock(DateTimeOffset.UnixEpoch);
        var logs = new CapturedLogs();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(logs.Configure);
        var supply = new DistilledKeySupply("L", ShortTurin(14), clock, factory.CreateLogger("supply"));
        using var cts = new CancellationTokenSource();
        var blocks = supply.ReadBlocksAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = blocks.MoveNextAsync().AsTask();
        try
        {
            for (var j = 1; j <= 3; j++)
            {
                await clock.NextTimerAsync(Patience);
                clock.Advance(TimeSpan.FromSeconds(1));
            }
            await clock.NextTimerAsync(Patience);
            Assert.Equal(3, supply.BlocksDropped);
            Assert.Equal(0, supply.BlocksProduced);
            Assert.Equal(0, supply.SecretBits);
            Assert.Equal(3.0, supply.LinkSeconds, 6);
            Assert.Equal("not-secure", supply.LastBlock!.Outcome);
            Assert.False(next.IsCompleted);
            Assert.Equal(3, logs.Lines.Count(l => l.Contains("dropped distilled block", StringComparison.Ordinal) && l.Contains("not-secure", StringComparison.Ordinal)));
        }
        finally
        {
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
            await blocks.DisposeAsync();
        }
    }

    [Fact]
    public async Task BlockWhoseFinalKeysDiffer_IsDroppedAndCounted()
    {
        var clock = new WatchedClock(DateTimeOffset.UnixEpoch);
        var supply = new DistilledKeySupply("L", SecureTurin(15), clock, null, async (simulation, ct) =>
        {
            var result = await KeyDistillation.DistillAsync(simulation, DistilledKeySupply.Options, TimeProvider.System, ct);
            result.PostProcessing.BobKeys[0]?.Flip(0);
            return result;
        });
        using var cts = new CancellationTokenSource();
        var blocks = supply.ReadBlocksAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = blocks.MoveNextAsync().AsTask();
        try
        {
            await clock.NextTimerAsync(Patience);
            clock.Advance(TimeSpan.FromSeconds(300));
            await clock.NextTimerAsync(Patience);
            Assert.Equal(1, supply.BlocksDropped);
            Assert.Equal(0, supply.BlocksProduced);
            Assert.Equal("keys-differ", supply.LastBlock!.Outcome);
            Assert.False(next.IsCompleted);
        }
        finally
        {
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
            await blocks.DisposeAsync();
        }
    }

    [Fact]
    public async Task DevNetworkWithBb84Supply_DeliversADistilledBlockToBothKmes_AndAnSaePairGetsTheSameKey()
    {
        using var dir = new TempDir();
        var clock = new WatchedClock(DateTimeOffset.UtcNow);
        await using var net = await DevNetwork.StartAsync(new DevNetworkOptions
        {
            Directory = dir.Path,
            Supply = KeySupplyKind.Bb84,
            Bb84 = SecureTurin(0),
            SupplySeed = 16,
            PrefillBits = 0,
        }, time: clock.Fake);
        var link = net.Links[0];
        var supply = Assert.IsType<DistilledKeySupply>(link.Supply);
        Assert.Equal(DevNetwork.LinkSeed(16, 0), supply.Link.Seed);
        var first = await supply.FirstBlockComputed.WaitAsync(Patience);
        Assert.True(first.Delivered, $"block 0 was {first.Outcome}");
        using var a = SaeClient.For(net, "SAE_A");
        using var b = SaeClient.For(net, "SAE_B");
        Assert.NotEqual(System.Net.HttpStatusCode.OK, (await a.EncKeysAsync("SAE_B")).Status);

        clock.Advance(TimeSpan.FromSeconds(300));
        await link.Pump.WaitForDeliveriesAsync(1, CancellationToken.None).WaitAsync(Patience);

        var enc = await a.EncKeysAsync("SAE_B", number: 2);
        Assert.Equal(System.Net.HttpStatusCode.OK, enc.Status);
        var dec = await b.DecKeysAsync("SAE_A", enc.Keys[0].Id, enc.Keys[1].Id);
        Assert.Equal(System.Net.HttpStatusCode.OK, dec.Status);
        Assert.Equal(enc.Keys.Select(k => k.Key), dec.Keys.Select(k => k.Key));
        Assert.Equal(1, supply.BlocksProduced);
    }
}
