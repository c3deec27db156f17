using Microsoft.Extensions.Logging;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.KeyManagement;
using Qkd.Kms;
using Qkd.Kms.Config;
using Qkd.Kms.Dev;
using Qkd.Kms.Supply;
using Qkd.Kms.Tests.Support;
using Qkd.Kms.Tls;

namespace Qkd.Gateway.Tests.Support;

/// <summary>
/// A real KMS network on loopback (two KMEs over mutual TLS, SQLite, no paced supply: the test delivers key
/// blocks with known material through the link device's authenticated supply path) and an MQTT broker
/// (the embedded one, or an external one given to StartAsync). <see cref="StartWithKmeProcessAsync"/> runs one KME as a
/// child process (`qkd kms serve`) that a test can SIGKILL and start again on the same store.
/// </summary>
public sealed class Testbed : IAsyncDisposable
{
    private readonly string _dir;
    private readonly KeySupplyPump _pump;
    private readonly List<IDisposable> _owned = [];
    private readonly List<KmsHost> _hosts = [];

    private Testbed(string dir, DevNetwork? net, IReadOnlyList<string> configPaths, KeySupplyPump pump, EmbeddedBroker? embedded, BrokerAddress broker)
    {
        _dir = dir;
        Net = net;
        ConfigPaths = configPaths;
        _pump = pump;
        File = DevNetworkFile.Load(Path.Combine(Path.GetDirectoryName(configPaths[0])!, "dev.json"));
        Embedded = embedded;
        Broker = broker;
    }

    /// <summary>The in-process network (null with a KME process).</summary>
    public DevNetwork? Net { get; }
    public IReadOnlyList<string> ConfigPaths { get; }
    public DevNetworkFile File { get; }
    public EmbeddedBroker? Embedded { get; }
    public BrokerAddress Broker { get; }

    /// <summary>The KME running as a child process (<see cref="StartWithKmeProcessAsync"/>), null otherwise.</summary>
    public KmeProcess? Process { get; private set; }

    private int _processIndex = -1;

    /// <summary>Every key bit the test has delivered to the link, as 256-bit units (what a KME can hand out).</summary>
    public List<byte[]> DeliveredUnits { get; } = [];

    public static async Task<Testbed> StartAsync(BrokerAddress? broker = null, Action<ILoggingBuilder>? kmsLogging = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-gw-test-" + Guid.NewGuid().ToString("N")[..12]);
        var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir, RunSupply = false, PrefillBits = 0 }, kmsLogging ?? (_ => { }));
        var embedded = broker is null ? await EmbeddedBroker.StartAsync() : null;
        return new Testbed(dir, net, net.ConfigPaths, net.Links[0].Pump, embedded, broker ?? embedded!.Address);
    }

    /// <summary>
    /// KME number <paramref name="processIndex"/> (0: KME_A, 1: KME_B) as its own OS process on its SQLite file, the other
    /// in this process, the link device supplying both over HTTPS, and the embedded broker.
    /// </summary>
    public static async Task<Testbed> StartWithKmeProcessAsync(int processIndex)
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-gw-test-" + Guid.NewGuid().ToString("N")[..12]);
        var (info, paths) = DevNetwork.WriteFiles(new DevNetworkOptions { Directory = dir, RunSupply = false, PrefillBits = 0 }, DateTimeOffset.UtcNow);
        var process = await KmeProcess.StartAsync(paths[processIndex], TimeSpan.FromSeconds(60));
        var host = await KmsHost.StartAsync(KmsConfig.Load(paths[1 - processIndex]), _ => { });
        var trust = CertificateTrust.FromPem(info.Ca);
        var certs = Path.GetDirectoryName(info.Ca)!;
        var device = DevCertificates.LoadWithKey(Path.Combine(certs, "link_a_b.pem"), Path.Combine(certs, "link_a_b.key"));
        var urls = info.Kmes.Select(k => new Uri(k.Url)).ToArray();
        var sinkA = new HttpsKeyBlockSink(urls[0], "KME_A", device, trust);
        var sinkB = new HttpsKeyBlockSink(urls[1], "KME_B", device, trust);
        var pump = new KeySupplyPump(sinkA, sinkB, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var embedded = await EmbeddedBroker.StartAsync();
        var bed = new Testbed(dir, null, paths, pump, embedded, embedded.Address) { Process = process, _processIndex = processIndex };
        bed._hosts.Add(host);
        bed._owned.AddRange([trust, device, sinkA, sinkB]);
        return bed;
    }

    /// <summary>SIGKILLs the KME process: no shutdown code runs; its SQLite file stays as the kill left it.</summary>
    public async Task KillKmeProcessAsync()
    {
        await Process!.KillAsync();
        Process.Dispose();
        Process = null;
    }

    /// <summary>Starts the KME process again on the same configuration, port and store.</summary>
    public async Task RestartKmeProcessAsync() => Process = await KmeProcess.StartAsync(ConfigPaths[_processIndex], TimeSpan.FromSeconds(60));

    public EtsiKeyClient Client(string sae) => new(File.Credentials(sae));

    /// <summary>Stops KME number <paramref name="index"/> (its port closes; its SQLite store stays).</summary>
    public async Task StopKmeAsync(int index) => await Net!.Hosts[index].DisposeAsync();

    /// <summary>Starts KME number <paramref name="index"/> again on the same configuration, port and store.</summary>
    public async Task RestartKmeAsync(int index, KmsConfig config) => _hosts.Add(await KmsHost.StartAsync(config));

    /// <summary>Delivers <paramref name="bits"/> of seeded key material to both KMEs of the link.</summary>
    public async Task SupplyAsync(ulong seed, int bits)
    {
        var material = TestKeys.Bytes(seed, bits / 8);
        for (var i = 0; i + 32 <= material.Length; i += 32)
        {
            DeliveredUnits.Add(material.AsSpan(i, 32).ToArray());
        }
        Assert.True(await _pump.DeliverAsync(new KeyBlock(new Guid(TestKeys.Bytes(seed ^ 0x5555, 16)), material), CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }
        foreach (var h in _hosts)
        {
            await h.DisposeAsync();
        }
        Process?.Dispose();
        if (Net is not null)
        {
            await Net.DisposeAsync();
        }
        foreach (var d in _owned)
        {
            d.Dispose();
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
