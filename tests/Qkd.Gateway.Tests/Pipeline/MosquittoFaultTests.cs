using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Pipeline;

/// <summary>Issue 13 against a real Mosquitto process of the test's own: restarted mid-run, and over TLS with an ACL.</summary>
public sealed class MosquittoFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task MosquittoStoppedAndRestarted_GatewaysReconnect_EveryReadingStoredExactlyOnce()
    {
        await using var mosquitto = await MosquittoProcess.StartAsync();
        await using var bed = await Testbed.StartAsync(mosquitto.Address);
        await bed.SupplyAsync(90, 256 * 64);
        await using var pair = await GatewayPair.StartAsync(bed, SealingMode.Hybrid);
        using var cts = new CancellationTokenSource(Patience);
        var samples = EndToEndTests.Samples(91, 60);
        foreach (var s in samples[..20])
        {
            pair.Master.Submit(s);
        }
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Stored >= 20, cts.Token);
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.Sent >= 20, cts.Token);

        await mosquitto.StopAsync();
        await pair.Sender.Changed.WaitUntilAsync(() => !pair.Sender.IsConnected, cts.Token);
        foreach (var s in samples[20..])
        {
            pair.Master.Submit(s);
        }
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.Sealed >= 60, cts.Token);
        Assert.Equal(20, pair.Master.Stats.Sent);

        await mosquitto.StartAgainAsync();
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Stored >= 60, cts.Token);
        Assert.True(pair.Sender.Reconnects >= 1 && pair.Receiver.Reconnects >= 1);
        FaultTests.AssertAccounted(pair, samples, null);
    }

    [Theory]
    [InlineData(SealingMode.AesGcm)]
    [InlineData(SealingMode.Otp)]
    public async Task MosquittoWithoutPersistence_StoppedAndRestarted_EdgeAcksRecoverWhatTheBrokerForgot_EveryReadingStoredExactlyOnce(SealingMode mode)
    {
        await using var mosquitto = await MosquittoProcess.StartAsync(persistence: false);
        await using var bed = await Testbed.StartAsync(mosquitto.Address);
        await bed.SupplyAsync(97, 256 * 256);
        await using var pair = await GatewayPair.StartAsync(bed, mode, queueCapacity: 1000);
        using var cts = new CancellationTokenSource(Patience);
        var samples = EndToEndTests.Samples(98, 60);
        foreach (var s in samples[..20])
        {
            pair.Master.Submit(s);
        }
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.Acknowledged >= 20, cts.Token);

        await mosquitto.StopAsync();
        await pair.Sender.Changed.WaitUntilAsync(() => !pair.Sender.IsConnected, cts.Token);
        foreach (var s in samples[20..])
        {
            pair.Master.Submit(s);
        }
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.Sealed >= 60, cts.Token);

        // Both gateways reconnect to a broker that knows neither of them; whatever it loses in between is published again.
        await mosquitto.StartAgainAsync();
        await pair.Master.Stats.Changed.WaitUntilAsync(() => pair.Master.Stats.Acknowledged >= 60, cts.Token);
        Assert.Equal(60, pair.Slave.Stats.Stored);
        Assert.Equal(0, pair.Master.Stats.Dropped);
        Assert.Equal(0, pair.Master.Outbox.Count);
        Assert.DoesNotContain(RejectReason.Forged, pair.Slave.Stats.Rejected.Keys);
        FaultTests.AssertAccounted(pair, samples, null);
    }

    [Fact]
    public async Task MosquittoOverTls_ClientCertificatesAndAcl_RoundTripWorks_AndForeignTopicsAreRefused()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-mosq-tls-" + Guid.NewGuid().ToString("N")[..8]);
        var certs = BrokerCertificates.Create(dir, ["SAE_A", "SAE_B", "SAE_X"], DateTimeOffset.UtcNow);
        try
        {
            await using var mosquitto = await MosquittoProcess.StartAsync(certs,
                ["user SAE_A", "topic write qkd/sealed/SAE_A/#", "topic read qkd/ack/SAE_A/#", "user SAE_X", "topic write qkd/sealed/SAE_X/#",
                 "user SAE_B", "topic read qkd/sealed/SAE_A/#", "topic write qkd/ack/SAE_A/#"]);
            await using var bed = await Testbed.StartAsync(mosquitto.Address);
            await bed.SupplyAsync(92, 256 * 16);
            await using var pair = await GatewayPair.StartAsync(bed, SealingMode.AesGcm, security: certs.SecurityOf);
            var all = EndToEndTests.Samples(93, 21);
            var samples = all[..20];
            foreach (var s in samples)
            {
                pair.Master.Submit(s);
            }
            using var cts = new CancellationTokenSource(Patience);
            await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Stored >= 20, cts.Token);

            // SAE_X may not publish on SAE_A's topic: Mosquitto answers PUBACK "not authorized" (MQTT 5), and a subscriber with
            // SAE_B's rights sees only SAE_A's next message (had SAE_X's been forwarded it would have arrived first).
            await using var spy = await MqttBridge.ConnectAsync(mosquitto.Address, "spy", certs.SecurityOf("SAE_B"));
            await spy.SubscribeAsync("qkd/sealed/SAE_A/#");
            await using var x = await MqttBridge.ConnectAsync(mosquitto.Address, "x", certs.SecurityOf("SAE_X"));
            await Assert.ThrowsAsync<IOException>(() => x.PublishAsync("qkd/sealed/SAE_A/pac4200-1", [1, 2, 3]));
            var extra = all[20];
            pair.Master.Submit(extra);
            var first = await spy.Received.ReadAsync(cts.Token);
            Assert.NotNull(SealedHeader.TryRead(first.Payload, out _));
            Assert.Equal(0, spy.Received.Count);
            await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Stored >= 21, cts.Token);
            // Without a client certificate the TLS handshake is refused.
            await Assert.ThrowsAsync<IOException>(() => MqttBridge.ConnectAsync(mosquitto.Address, "anon", new MqttSecurity(certs.CaCertPath)));

            Assert.Equal(21, pair.Slave.Stats.Processed);
            Assert.Empty(pair.Slave.Stats.Rejected);
            FaultTests.AssertAccounted(pair, all, null);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
