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

    [Fact]
    public async Task HybridRoundTrip_ThroughMosquitto_StoresEverySample()
    {
        await using var bed = await Testbed.StartAsync(Mosquitto);
        await EndToEndTests.RunRoundTripAsync(bed, SealingMode.Hybrid, 25);
    }
}
