using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Pipeline;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Pipeline;

/// <summary>Issue 13: forged headers cannot make the receiver fetch keys without bound; the receive queue never drops silently; the ETSI client checks the KME's name.</summary>
public sealed class HostileNetworkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static byte[] Forged(string sender, ulong seed)
    {
        using var forger = new MessageSealer(SealingMode.AesGcm, sender, "pac4200-1");
        forger.Install(TestKeys.Pair(seed, 256).Sender, DateTimeOffset.UnixEpoch);
        return forger.Seal(EndToEndTests.Samples(seed, 1)[0], DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task ForgedHeadersWithFreshKeyIds_AskTheKmeAtMostTheBurst_ThenAreRateLimited_UnknownSendersNever()
    {
        await using var bed = await Testbed.StartAsync();
        using var kme = bed.Client("SAE_B");
        using var store = new Edge.EdgeStore(Path.Combine(Path.GetTempPath(), "qkd-gw-rl-" + Guid.NewGuid().ToString("N")[..8] + ".db"));
        using var opener = new MessageOpener(new ReceiverPolicy([new SenderTrust("SAE_A", SealingMode.AesGcm)]), null);
        var slave = new SlaveGateway(kme, opener, store, limiter: new KeyFetchLimiter(burst: 3, fetchesPerSecond: 0.001));
        using var cts = new CancellationTokenSource(Patience);
        for (var i = 0; i < 10; i++)
        {
            await slave.HandleAsync(MqttBridge.TopicOf("SAE_A", "pac4200-1"), Forged("SAE_A", 300 + (ulong)i), cts.Token);
        }
        for (var i = 0; i < 5; i++)
        {
            await slave.HandleAsync(MqttBridge.TopicOf("SAE_X", "pac4200-1"), Forged("SAE_X", 400 + (ulong)i), cts.Token);
        }
        var rejected = slave.Stats.Rejected;
        Assert.Equal(3, rejected[RejectReason.KeyUnavailable]); // the KME was asked 3 times
        Assert.Equal(7, rejected[RejectReason.RateLimited]);
        Assert.Equal(5, rejected[RejectReason.UnknownSender]);
        Assert.Equal(0, slave.Stats.KeysFetched);
        Assert.Empty(store.ReadAll());
        File.Delete(store.Path);
    }

    [Fact]
    public async Task ReceiveQueueFull_EveryOverflowIsCounted_NothingIsDroppedSilently()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await using var rx = await MqttBridge.ConnectAsync(broker.Address, "rx-small-queue", null, receiveCapacity: 2);
        await rx.SubscribeAsync("qkd/sealed/#");
        await using var tx = await MqttBridge.ConnectAsync(broker.Address, "tx");
        for (var i = 0; i < 7; i++)
        {
            await tx.PublishAsync("qkd/sealed/SAE_A/d", [(byte)i]);
        }
        using var cts = new CancellationTokenSource(Patience);
        await rx.Changed.WaitUntilAsync(() => rx.ReceiveOverflows >= 5, cts.Token);
        Assert.Equal(5, rx.ReceiveOverflows);
        Assert.Equal(2, rx.Received.Count);
    }

    [Fact]
    public async Task EtsiClient_ServerCertificateOfAnotherKme_IsRefused()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(50, 256 * 4);
        var right = bed.File.Credentials("SAE_A");
        using var good = new EtsiKeyClient(right);
        Assert.Equal("KME_A", good.KmeId);
        Assert.True((await good.StatusAsync("SAE_B")).StoredKeyCount >= 0);
        // Same URL, same CA, but the SAE insists on KME_B: KME_A's certificate (CN=KME_A) must not do.
        using var misdirected = new EtsiKeyClient(right with { KmeId = "KME_B" });
        await Assert.ThrowsAsync<HttpRequestException>(() => misdirected.StatusAsync("SAE_B"));
    }
}
