using Qkd.Kms.Config;
using Qkd.Kms.Dev;
using Qkd.Kms.Supply;

namespace Qkd.Kms.Tests.Support;

/// <summary>A dev network in a temp folder with no paced supply: tests deliver key blocks explicitly.</summary>
public sealed class TestNetwork : IAsyncDisposable
{
    private readonly TempDir _dir;

    private TestNetwork(TempDir dir, DevNetwork net)
    {
        _dir = dir;
        Net = net;
    }

    public DevNetwork Net { get; }
    public string Dir => _dir.Path;

    public static async Task<TestNetwork> StartAsync(int kmes = 2, CapturedLogs? logs = null, string? postgres = null, KeyPolicyConfig? keys = null,
        byte[]? wrapKey = null, TimeProvider? time = null, int saesPerKme = 1)
    {
        var dir = new TempDir();
        try
        {
            var net = await DevNetwork.StartAsync(new DevNetworkOptions
            {
                Directory = dir.Path,
                Kmes = kmes,
                RunSupply = false,
                PrefillBits = 0,
                PostgresConnectionString = postgres,
                SchemaPrefix = "t" + Guid.NewGuid().ToString("N")[..10],
                Keys = keys ?? new KeyPolicyConfig(),
                KeyWrapKey = wrapKey,
                SaesPerKme = saesPerKme,
            }, logs is null ? null : logs.Configure, time);
            return new TestNetwork(dir, net);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Delivers <paramref name="blocks"/> blocks of <paramref name="bits"/> to link <paramref name="link"/> (0: A-B, 1: B-C).</summary>
    public async Task SupplyAsync(int link, int blocks, long bits)
    {
        for (var i = 0; i < blocks; i++)
        {
            Assert.True(await Net.Links[link].Pump.DeliverAsync(SimulatedKeySupply.Burst(bits), CancellationToken.None));
        }
    }

    public SaeClient Sae(string id) => SaeClient.For(Net, id);

    public KmsHost Host(string kmeId) => Net.Hosts[Net.Info.Kmes.ToList().FindIndex(k => k.Id == kmeId)];

    public async ValueTask DisposeAsync()
    {
        await Net.DisposeAsync();
        _dir.Dispose();
    }
}
