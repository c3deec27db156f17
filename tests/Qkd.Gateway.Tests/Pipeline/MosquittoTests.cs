using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Pipeline;

/// <summary>The same round trip against a real Mosquitto broker (started by scripts/services.sh, ensure_mosquitto).</summary>
public sealed class MosquittoTests
{
    /// <summary>QKD_TEST_MQTT, e.g. mqtt://127.0.0.1:18830; a missing variable is a failed test, never a skip.</summary>
    private static BrokerAddress Mosquitto =>
        Environment.GetEnvironmentVariable("QKD_TEST_MQTT") is { Length: > 0 } url
            ? BrokerAddress.Parse(url)
            : throw new InvalidOperationException(
                "QKD_TEST_MQTT is not set. This test needs a Mosquitto broker: run `source scripts/services.sh && ensure_services` " +
                "(installs and starts mosquitto on 127.0.0.1 and exports QKD_TEST_MQTT), then run the tests from that shell.");

    /// <summary>The TLS listener of scripts/services.sh (ensure_mosquitto_tls): QKD_TEST_MQTTS and its certificates in QKD_TEST_MQTT_CERTS.</summary>
    private static (BrokerAddress Address, string Certs) MosquittoTls =>
        Environment.GetEnvironmentVariable("QKD_TEST_MQTTS") is { Length: > 0 } url && Environment.GetEnvironmentVariable("QKD_TEST_MQTT_CERTS") is { Length: > 0 } certs
            ? (BrokerAddress.Parse(url), certs)
            : throw new InvalidOperationException(
                "QKD_TEST_MQTTS / QKD_TEST_MQTT_CERTS are not set. Run `source scripts/services.sh && ensure_services` (starts the TLS listener with its ACL), then the tests from that shell.");

    [Fact]
    public async Task AesGcmRoundTrip_ThroughTheServicesTlsListenerWithAcl_StoresEverySample()
    {
        var (address, certs) = MosquittoTls;
        await using var bed = await Testbed.StartAsync(address);
        await bed.SupplyAsync(95, 256 * 16);
        var ca = Path.Combine(certs, "ca.pem");
        // The services listener's ACL (scripts/services.sh) lets SAE_A publish its sealed topics and read its
        // acknowledgements, and SAE_B the reverse: edge acknowledgements run through it.
        await using var pair = await GatewayPair.StartAsync(bed, SealingMode.AesGcm,
            security: sae => new MqttSecurity(ca, Path.Combine(certs, sae.ToLowerInvariant() + ".pem"), Path.Combine(certs, sae.ToLowerInvariant() + ".key")));
        var samples = EndToEndTests.Samples(96, 15);
        foreach (var s in samples)
        {
            pair.Master.Submit(s);
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Stored >= 15, cts.Token);
        FaultTests.AssertAccounted(pair, samples, null);
    }

    [Fact]
    public async Task HybridRoundTrip_ThroughMosquitto_StoresEverySample()
    {
        await using var bed = await Testbed.StartAsync(Mosquitto);
        await EndToEndTests.RunRoundTripAsync(bed, SealingMode.Hybrid, 25);
    }
}
