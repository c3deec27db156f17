using Microsoft.Extensions.Logging;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.KeyManagement;
using Qkd.Kms;
using Qkd.Kms.Config;
using Qkd.Kms.Dev;

namespace Qkd.Gateway.Tests.Support;

/// <summary>
/// A real KMS network on loopback (two KMEs over mutual TLS, SQLite, no paced supply: the test delivers key
/// blocks with known material through the link device's authenticated supply path) and an MQTT broker
/// (the embedded one, or an external one given to StartAsync).
/// </summary>
public sealed class Testbed : IAsyncDisposable
{
    private readonly string _dir;

    private Testbed(string dir, DevNetwork net, DevNetworkFile file, EmbeddedBroker? embedded, BrokerAddress broker)
    {
        _dir = dir;
        Net = net;
        File = file;
        Embedded = embedded;
        Broker = broker;
    }

    public DevNetwork Net { get; }
    public DevNetworkFile File { get; }
    public EmbeddedBroker? Embedded { get; }
    public BrokerAddress Broker { get; }

    /// <summary>Every key bit the test has delivered to the link, as 256-bit units (what a KME can hand out).</summary>
    public List<byte[]> DeliveredUnits { get; } = [];

    public static async Task<Testbed> StartAsync(BrokerAddress? broker = null, Action<ILoggingBuilder>? kmsLogging = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-gw-test-" + Guid.NewGuid().ToString("N")[..12]);
        var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir, RunSupply = false, PrefillBits = 0 }, kmsLogging ?? (_ => { }));
        var embedded = broker is null ? await EmbeddedBroker.StartAsync() : null;
        return new Testbed(dir, net, DevNetworkFile.Load(net.DevJsonPath), embedded, broker ?? embedded!.Address);
    }

    public EtsiKeyClient Client(string sae) => new(File.Credentials(sae));

    private readonly List<KmsHost> _restarted = [];

    /// <summary>Stops KME number <paramref name="index"/> (its port closes; its SQLite store stays).</summary>
    public async Task StopKmeAsync(int index) => await Net.Hosts[index].DisposeAsync();

    /// <summary>Starts KME number <paramref name="index"/> again on the same configuration, port and store.</summary>
    public async Task RestartKmeAsync(int index, KmsConfig config) => _restarted.Add(await KmsHost.StartAsync(config));

    /// <summary>Delivers <paramref name="bits"/> of seeded key material to both KMEs of the link.</summary>
    public async Task SupplyAsync(ulong seed, int bits)
    {
        var material = TestKeys.Bytes(seed, bits / 8);
        for (var i = 0; i + 32 <= material.Length; i += 32)
        {
            DeliveredUnits.Add(material.AsSpan(i, 32).ToArray());
        }
        Assert.True(await Net.Links[0].Pump.DeliverAsync(new KeyBlock(new Guid(TestKeys.Bytes(seed ^ 0x5555, 16)), material), CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }
        foreach (var h in _restarted)
        {
            await h.DisposeAsync();
        }
        await Net.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
