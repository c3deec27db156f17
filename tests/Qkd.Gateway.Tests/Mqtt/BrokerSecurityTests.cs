using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Pipeline;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Mqtt;

/// <summary>Issue 13: MQTT over TLS with client certificates and an ACL that lets each gateway use only its own topics.</summary>
public sealed class BrokerSecurityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static (BrokerCertificates.Result Certs, string Dir) Certs()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-mqtt-tls-" + Guid.NewGuid().ToString("N")[..8]);
        return (BrokerCertificates.Create(dir, ["SAE_A", "SAE_B", "SAE_X"], DateTimeOffset.UtcNow), dir);
    }

    private static EmbeddedBrokerOptions Secured(BrokerCertificates.Result certs) => new()
    {
        Tls = certs,
        Acl = BrokerAcl.ForGateways(["SAE_A", "SAE_X"], new Dictionary<string, IReadOnlyList<string>> { ["SAE_B"] = ["SAE_A"] }),
        Passwords = new Dictionary<string, string> { ["SAE_A"] = "correct horse" },
    };

    [Fact]
    public async Task HybridRoundTrip_OverTlsWithClientCertificatesAndAcl_StoresEverySample()
    {
        var (certs, dir) = Certs();
        try
        {
            await using var broker = await EmbeddedBroker.StartAsync(Secured(certs));
            Assert.True(broker.Address.UseTls);
            Assert.StartsWith("mqtts://", broker.Address.ToString(), StringComparison.Ordinal);
            await using var bed = await Testbed.StartAsync(broker.Address);
            await bed.SupplyAsync(80, 256 * 16);
            await using var pair = await GatewayPair.StartAsync(bed, SealingMode.Hybrid, security: certs.SecurityOf);
            var samples = EndToEndTests.Samples(81, 20);
            foreach (var s in samples)
            {
                pair.Master.Submit(s);
            }
            using var cts = new CancellationTokenSource(Patience);
            await pair.Slave.Stats.Changed.WaitUntilAsync(() => pair.Slave.Stats.Stored >= 20, cts.Token);
            FaultTests.AssertAccounted(pair, samples, broker.Seen);
            Assert.Equal(0, broker.Refused);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Acl_GatewayCannotPublishAnotherSendersTopic_NorSubscribeBeyondItsOwn_NorConnectWithoutIdentity()
    {
        var (certs, dir) = Certs();
        try
        {
            await using var broker = await EmbeddedBroker.StartAsync(Secured(certs));
            await using var x = await MqttBridge.ConnectAsync(broker.Address, "x", certs.SecurityOf("SAE_X"));
            await x.PublishAsync("qkd/sealed/SAE_X/d", [1]);
            await Assert.ThrowsAsync<IOException>(() => x.PublishAsync("qkd/sealed/SAE_A/pac4200-1", [2]));
            await Assert.ThrowsAsync<IOException>(() => x.SubscribeAsync("qkd/sealed/#"));
            await using var b = await MqttBridge.ConnectAsync(broker.Address, "b", certs.SecurityOf("SAE_B"));
            await Assert.ThrowsAsync<IOException>(() => b.SubscribeAsync("qkd/sealed/#"));
            await b.SubscribeAsync("qkd/sealed/SAE_A/#");

            // No client certificate, no password: refused. A wrong password: refused. The right one: accepted.
            var anonymous = new MqttSecurity(certs.CaCertPath);
            await Assert.ThrowsAsync<IOException>(() => MqttBridge.ConnectAsync(broker.Address, "anon", anonymous));
            await Assert.ThrowsAsync<IOException>(() => MqttBridge.ConnectAsync(broker.Address, "pw", anonymous with { UserName = "SAE_A", Password = "wrong" }));
            await using var pw = await MqttBridge.ConnectAsync(broker.Address, "pw", anonymous with { UserName = "SAE_A", Password = "correct horse" });
            await pw.PublishAsync("qkd/sealed/SAE_A/d", [3]);

            // A broker certificate from another CA is refused by the client.
            var (other, otherDir) = Certs();
            await Assert.ThrowsAsync<IOException>(() => MqttBridge.ConnectAsync(broker.Address, "mitm", other.SecurityOf("SAE_A")));
            Directory.Delete(otherDir, recursive: true);

            Assert.Equal(2, broker.Seen.Count);
            Assert.True(broker.Refused >= 5);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BrokerAddress_ParsesMqttsWithItsDefaultPort_AndRefusesCredentialsInTheUrl()
    {
        Assert.Equal(new BrokerAddress("broker.plant", 8883, true), BrokerAddress.Parse("mqtts://broker.plant"));
        Assert.Equal(new BrokerAddress("127.0.0.1", 1883, false), BrokerAddress.Parse("mqtt://127.0.0.1"));
        Assert.Throws<ArgumentException>(() => BrokerAddress.Parse("mqtts://user:pw@broker.plant"));
        Assert.Throws<ArgumentException>(() => BrokerAddress.Parse("http://broker.plant"));
    }

    [Fact]
    public void ClientKeys_AreCreatedWithMode0600()
    {
        Assert.False(OperatingSystem.IsWindows(), "file modes are a Unix property");
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var (certs, dir) = Certs();
        try
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certs.Broker.KeyPath));
            foreach (var c in certs.Clients)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(c.KeyPath));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
