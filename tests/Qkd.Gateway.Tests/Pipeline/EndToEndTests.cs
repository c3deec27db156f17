using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Sensors;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Pipeline;

/// <summary>
/// Sensor samples through real sockets: master gateway -> KME_A (ETSI 014 over mutual TLS) -> MQTT broker ->
/// slave gateway -> KME_B (dec_keys by key ID) -> SQLite edge store.
/// </summary>
public sealed class EndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TheoryData<SealingMode> Modes => [SealingMode.AesGcm, SealingMode.Otp, SealingMode.Hybrid];

    internal static List<byte[]> Samples(ulong seed, int count)
    {
        var sensor = new PowerMonitorSimulator(seed, 0);
        return Enumerable.Range(0, count).Select(i => sensor.Next(1_700_000_000_000_000L + i * 100_000L).ToBytes()).ToList();
    }

    internal static async Task RunRoundTripAsync(Testbed bed, SealingMode mode, int messages)
    {
        await bed.SupplyAsync(31, 256 * 128);
        await using var pair = await GatewayPair.StartAsync(bed, mode);
        var samples = Samples(5, messages);
        foreach (var s in samples)
        {
            pair.Master.Submit(s);
        }
        using var cts = new CancellationTokenSource(Patience);
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Processed >= messages, cts.Token);
        // Sent counts broker acknowledgements, which may land after the receiver has already processed the message.
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.Sent >= messages, cts.Token);

        Assert.Equal(messages, pair.Master.Stats.Sent);
        Assert.Equal(messages, pair.Slave.Stats.Stored);
        Assert.Empty(pair.Slave.Stats.Rejected);
        var rows = pair.Store.ReadAll();
        Assert.Equal(samples, rows.Select(r => new PowerSample(r.Index, r.TimestampUnixUs, r.VoltageV, r.CurrentA, r.ActivePowerW).ToBytes()).ToList());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task EveryMode_SamplesArriveDecryptedInTheEdgeStore_AndNoPlaintextCrossesTheBroker(SealingMode mode)
    {
        await using var bed = await Testbed.StartAsync();
        await RunRoundTripAsync(bed, mode, 40);
        var seen = bed.Embedded!.Seen.ToList();
        // 40 sealed messages (a late acknowledgement may cause a copy: the same bytes again) and the edge's acknowledgements.
        Assert.Equal(40, SealedOnly(seen).Select(m => Convert.ToHexString(m.Payload)).Distinct().Count());
        Assert.All(seen.Except(SealedOnly(seen)), m => Assert.Equal(("qkd/ack/SAE_A/pac4200-1", EdgeAck.Length), (m.Topic, m.Payload.Length)));
        Assert.All(SealedOnly(seen), m => Assert.StartsWith("qkd/sealed/SAE_A/pac4200-1", m.Topic, StringComparison.Ordinal));
        var plaintexts = Samples(5, 40);
        Assert.All(seen, m => Assert.All(plaintexts, p => Assert.True(m.Payload.AsSpan().IndexOf(p.AsSpan(4, 20)) < 0)));
    }

    [Fact]
    public async Task NoKeyAtTheKme_NothingIsPublished_MessagesAreHeldOrDroppedAndCounted_ThenSentSealedOnceKeyArrives()
    {
        await using var bed = await Testbed.StartAsync();
        await using var pair = await GatewayPair.StartAsync(bed, SealingMode.AesGcm, queueCapacity: 4);
        using var cts = new CancellationTokenSource(Patience);
        var samples = Samples(6, 10);
        pair.Master.Submit(samples[0]);
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.KeyRefusals >= 2, cts.Token);
        foreach (var s in samples.Skip(1))
        {
            pair.Master.Submit(s);
        }
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.KeyRefusals >= 4, cts.Token);

        Assert.Empty(bed.Embedded!.Seen);
        Assert.Equal(0, pair.Master.Stats.Sent);
        Assert.Equal(5, pair.Master.Stats.Dropped); // 1 held by the loop + 4 in the queue; the 5 oldest queued were pushed out

        await bed.SupplyAsync(32, 256 * 4);
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Stored >= 5, cts.Token);
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.Sent >= 5, cts.Token);
        Assert.Equal(5, pair.Master.Stats.Sent);
        var seen = SealedOnly(bed.Embedded.Seen).ToList();
        Assert.Equal(5, seen.Count);
        Assert.All(seen, m => Assert.All(samples, p => Assert.True(m.Payload.AsSpan().IndexOf(p.AsSpan(4, 20)) < 0)));
        Assert.Equal([samples[0], .. samples[6..]], pair.Store.ReadAll().Select(r => new PowerSample(r.Index, r.TimestampUnixUs, r.VoltageV, r.CurrentA, r.ActivePowerW).ToBytes()).ToList());
    }

    [Fact]
    public async Task ReplayedMessageOnTheBroker_IsCountedAsADuplicate_AcknowledgedAgain_AndNotStoredTwice()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(33, 256 * 8);
        await using var pair = await GatewayPair.StartAsync(bed, SealingMode.AesGcm);
        using var cts = new CancellationTokenSource(Patience);
        foreach (var s in Samples(7, 3))
        {
            pair.Master.Submit(s);
        }
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Processed >= 3, cts.Token);
        var captured = bed.Embedded!.Seen.First();

        await using var attacker = await MqttBridge.ConnectAsync(bed.Broker, "attacker");
        await attacker.PublishAsync(captured.Topic, captured.Payload);
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Processed >= 4, cts.Token);

        Assert.Equal(1, pair.Slave.Stats.Duplicates);
        Assert.Empty(pair.Slave.Stats.Rejected);
        Assert.Equal(3, pair.Store.ReadAll().Count);
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.AcksSent >= 4, cts.Token);
    }

    [Fact]
    public async Task RoundTrip_LogsNeverContainKeyMaterial()
    {
        var logs = new CapturedLogs();
        await using var bed = await Testbed.StartAsync(kmsLogging: logs.Configure);
        await bed.SupplyAsync(34, 256 * 64);
        await using var pair = await GatewayPair.StartAsync(bed, SealingMode.Otp, logger: logs);
        using var cts = new CancellationTokenSource(Patience);
        foreach (var s in Samples(8, 30))
        {
            pair.Master.Submit(s);
        }
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Processed >= 30, cts.Token);
        await using var attacker = await MqttBridge.ConnectAsync(bed.Broker, "attacker");
        await attacker.PublishAsync(bed.Embedded!.Seen.First().Topic, bed.Embedded.Seen.First().Payload); // a rejection is logged too
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Processed >= 31, cts.Token);

        var text = string.Join("\n", logs.Lines);
        Assert.Contains("new Otp key epoch", text, StringComparison.Ordinal);
        Assert.Contains("Rejected message", text, StringComparison.Ordinal);
        Assert.True(pair.Master.Sealer.KeysInstalled >= 2);
        foreach (var unit in bed.DeliveredUnits)
        {
            Assert.DoesNotContain(Convert.ToBase64String(unit), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(unit, 0, 30)[..20], text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(unit)[..16], text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task MessageUnderAKeyTheKmeNeverIssued_IsRejectedAsKeyUnavailable_AndNothingIsStored()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(35, 256 * 8);
        await using var pair = await GatewayPair.StartAsync(bed, SealingMode.AesGcm);
        using var cts = new CancellationTokenSource(Patience);
        using var forger = new MessageSealer(SealingMode.AesGcm, "SAE_A", "pac4200-1");
        forger.Install(TestKeys.Pair(36, 256).Sender, DateTimeOffset.UnixEpoch);
        await using var attacker = await MqttBridge.ConnectAsync(bed.Broker, "attacker");
        await attacker.PublishAsync(MqttBridge.TopicOf("SAE_A", "pac4200-1"), forger.Seal(Samples(9, 1)[0], DateTimeOffset.UnixEpoch));
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Processed >= 1, cts.Token);

        Assert.Equal(1, pair.Slave.Stats.Rejected[RejectReason.KeyUnavailable]);
        Assert.Empty(pair.Store.ReadAll());
    }

    /// <summary>The sealed messages among what the broker saw (edge acknowledgements go the other way).</summary>
    internal static IEnumerable<MqttBridge.ReceivedMessage> SealedOnly(IEnumerable<MqttBridge.ReceivedMessage> seen) =>
        seen.Where(m => m.Topic.StartsWith("qkd/sealed/", StringComparison.Ordinal));
}
