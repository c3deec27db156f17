using Qkd.Gateway.Sealing;
using Qkd.Gateway.Sensors;
using Qkd.Testbed.Observation;

namespace Qkd.Testbed.Tests;

/// <summary>
/// Short live runs of the testbed (random key supply, a few seconds): MQTT over TLS with client certificates and an ACL,
/// the pinned receiver, and seed 003's fixed scheme aggregating one tick of all devices into one sealed message.
/// </summary>
public sealed class TestbedWiringTests
{
    private static TestbedSettings Settings(SealingMode mode, int sensors, EncryptionScheme scheme, ulong seed) =>
        new(3, mode, sensors, Path.Combine(Path.GetTempPath(), "qkd-wiring-test-" + Guid.NewGuid().ToString("N")[..8]), seed)
        {
            Supply = KeySupplyChoice.Random,
            Scheme = scheme,
        };

    private static async Task<(TestbedResult Result, IReadOnlyList<Qkd.Gateway.Edge.EdgeStore.Row> Rows)> RunAsync(TestbedSettings settings)
    {
        try
        {
            return await new Testbed(settings, new TestbedMonitor(Testbed.Describe(settings))).RunAsync(_ => { }, null, CancellationToken.None);
        }
        finally
        {
            Directory.Delete(settings.OutDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task PerDeviceHybridRun_UsesMqttOverTls_PinnedSignedSenders_AndTheObserverSeesOnlyCiphertext()
    {
        var (r, rows) = await RunAsync(Settings(SealingMode.Hybrid, 2, EncryptionScheme.PerDevice, 11));

        Assert.True(r.MqttTls);
        Assert.True(r.ReceiverPinned);
        Assert.Equal(0, r.MqttAclRefusals);
        Assert.True(r.ReadingsSent > 20, $"only {r.ReadingsSent} readings sent");
        // Pinned hybrid needs each epoch signed by the sender's ML-DSA-65 key: every reading sent opens and is stored.
        Assert.Equal(r.ReadingsSent, r.ReadingsStored + r.ReadingsRejected);
        Assert.Equal(0, r.ReadingsRejected);
        Assert.Equal(r.ReadingsSent, rows.Count);
        // The read-only observer, a TLS client with its own certificate, received every published message and no plaintext.
        Assert.True(r.MessagesSeenByWireObserver >= r.MessagesSent, $"observer saw {r.MessagesSeenByWireObserver} of {r.MessagesSent}");
        Assert.Equal(0, r.PlaintextMessagesOnWire);
    }

    [Fact]
    public async Task FixedSchemeRun_SealsOneAggregatePerTick_AndTheEdgeStoresEveryDevicesReading()
    {
        var (r, rows) = await RunAsync(Settings(SealingMode.AesGcm, 4, EncryptionScheme.Fixed, 12));

        Assert.True(r.MessagesSent > 5, $"only {r.MessagesSent} messages sent");
        Assert.Equal(4 * r.MessagesSent, r.ReadingsSent);
        Assert.Equal(r.ReadingsSent, r.ReadingsStored);
        Assert.Equal(0, r.PlaintextMessagesOnWire);
        Assert.True(r.MqttTls);
        var perDevice = rows.GroupBy(x => x.Device).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["pac4200-1", "pac4200-2", "pac4200-3", "pac4200-4"], perDevice.Keys.Order());
        Assert.All(perDevice.Values, n => Assert.Equal(r.MessagesSent, n));
        // One tick's readings travel under one key: all four devices' reading k carry the same key ID.
        Assert.All(rows.GroupBy(x => x.Index), g => Assert.Single(g.Select(x => x.KeyId).Distinct()));

        var fixedScheme = Assert.Single(r.Schemes, x => x.Scheme == "fixed");
        var perDeviceScheme = Assert.Single(r.Schemes, x => x.Scheme == "per-device");
        Assert.Equal("measured", fixedScheme.Source);
        Assert.Equal("model", perDeviceScheme.Source);
        Assert.Equal(4, fixedScheme.DevicesExposedByOneKey);
        Assert.Equal(1, perDeviceScheme.DevicesExposedByOneKey);
        Assert.Equal(4 * perDeviceScheme.ReadingsExposedByOneKey, fixedScheme.ReadingsExposedByOneKey);
        Assert.True(fixedScheme.MessagesPerSecond < perDeviceScheme.MessagesPerSecond / 2, $"fixed {fixedScheme.MessagesPerSecond}/s vs per-device {perDeviceScheme.MessagesPerSecond}/s");
        Assert.True(fixedScheme.BytesPerSecond < perDeviceScheme.BytesPerSecond, $"fixed {fixedScheme.BytesPerSecond} B/s vs per-device {perDeviceScheme.BytesPerSecond} B/s");
        Assert.NotNull(fixedScheme.LatencyP50Ms);
    }

    [Fact]
    public void FixedSchemeWithOtp_RefusesMoreDevicesThanOneOtpKeyCanCarry_NamingTheParameter()
    {
        var ok = Settings(SealingMode.Otp, 20, EncryptionScheme.Fixed, 1);
        var tooMany = Settings(SealingMode.Otp, 50, EncryptionScheme.Fixed, 1);

        ok.Validated();
        var e = Assert.Throws<ArgumentException>(() => tooMany.Validated());
        Assert.Contains("--sensors must be within [1, ", e.Message, StringComparison.Ordinal);
        Assert.Contains("--scheme fixed --mode otp", e.Message, StringComparison.Ordinal);
        Settings(SealingMode.Otp, 50, EncryptionScheme.PerDevice, 1).Validated();
    }

    [Fact]
    public void ReadingAggregate_RoundTripsEveryDevicesReading()
    {
        var readings = new List<(string, PowerSample)>
        {
            ("pac4200-1", new PowerSample(7, 1_700_000_000_000_000, 230.5f, 12.25f, 2700f)),
            ("pac4200-2", new PowerSample(7, 1_700_000_000_000_010, 229.5f, 3.5f, 790f)),
        };

        var packed = ReadingAggregate.Pack(readings);

        Assert.Equal(2 + 2 * (1 + 9 + PowerSample.EncodedLength), packed.Length);
        Assert.Equal(readings, ReadingAggregate.TryRead(packed));
    }

    [Fact]
    public void ReadingAggregate_RefusesTruncatedTrailingOrForeignBytes()
    {
        var packed = ReadingAggregate.Pack([("pac4200-1", new PowerSample(1, 2, 3, 4, 5))]);

        Assert.Null(ReadingAggregate.TryRead(packed.AsSpan(0, packed.Length - 1)));
        Assert.Null(ReadingAggregate.TryRead([.. packed, 0]));
        Assert.Null(ReadingAggregate.TryRead(new PowerSample(1, 2, 3, 4, 5).ToBytes()));
        var badId = (byte[])packed.Clone();
        badId[3] = (byte)'/';
        Assert.Null(ReadingAggregate.TryRead(badId));
        Assert.Throws<ArgumentException>(() => ReadingAggregate.Pack([("bad id", new PowerSample(1, 2, 3, 4, 5))]));
    }
}
