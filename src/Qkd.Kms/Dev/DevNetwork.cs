using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qkd.Kms.Config;
using Qkd.Kms.Supply;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Dev;

/// <summary>Options of a development network (`qkd kms dev`, and the integration tests).</summary>
public sealed record DevNetworkOptions
{
    public required string Directory { get; init; }

    /// <summary>2 (A-B) or 3 (A-B-C, relay through B, no A-C link).</summary>
    public int Kmes { get; init; } = 2;

    /// <summary>Simulated link secret-key rate; default the Turin testbed's 1.3 kbit/s (seed 002).</summary>
    public double RateBitsPerSecond { get; init; } = SimulatedKeySupply.TurinTestbedRateBitsPerSecond;

    /// <summary>What feeds the links: random blocks at <see cref="RateBitsPerSecond"/> (default, fast tests) or the simulated BB84 chain.</summary>
    public KeySupplyKind Supply { get; init; } = KeySupplyKind.Random;

    /// <summary>The simulated link of every BB84 supply (its <see cref="DistilledLinkOptions.Seed"/> is replaced per link, see <see cref="SupplySeed"/>).</summary>
    public DistilledLinkOptions Bb84 { get; init; } = new();

    /// <summary>Seed of the BB84 supplies: link i simulates with seed <see cref="DevNetwork.LinkSeed"/>(SupplySeed, i), so links differ.</summary>
    public ulong SupplySeed { get; init; }

    /// <summary>
    /// Key bits delivered to every link at start-up, so that a user can fetch keys at once. Always a random burst,
    /// whatever the <see cref="Supply"/>: the BB84 chain gives ~0.6 kbit/s and would need hours for 16 Mbit.
    /// </summary>
    public long PrefillBits { get; init; } = 256 * 64;

    /// <summary>Largest block of one prefill delivery [bits]; the default 64 Mbit (8 MB) sits well under the KME's request-body limit (Kestrel's 30 MB).</summary>
    public long PrefillBurstBits { get; init; } = 64L << 20;

    /// <summary>Run the paced simulated links in the background (off in tests, which deliver blocks explicitly).</summary>
    public bool RunSupply { get; init; } = true;

    /// <summary>PostgreSQL connection string; null for one SQLite file per KME in <see cref="Directory"/>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Prefix of the per-KME PostgreSQL schemas (one schema per KME ID).</summary>
    public string SchemaPrefix { get; init; } = "qkd_dev";

    /// <summary>Optional key-wrapping master key (32 bytes) written into every KME config.</summary>
    public byte[]? KeyWrapKey { get; init; }

    public KeyPolicyConfig Keys { get; init; } = new();

    /// <summary>SAEs per KME: SAE_A, then SAE_A2, SAE_A3... (extra SAEs let tests try an SAE that was not named).</summary>
    public int SaesPerKme { get; init; } = 1;
}

/// <summary>
/// A ready development network on loopback: a CA and certificates, one config file per KME, the KMEs
/// (in this process), simulated QKD links feeding them through the authenticated supply path, and
/// DIR/dev.json describing it: {"ca", "kmes": [{"id", "url"}], "saes": [{"id", "kme", "cert", "key"}]}.
/// </summary>
public sealed class DevNetwork : IAsyncDisposable
{
    public sealed record KmeEntry([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("url")] string Url);

    public sealed record SaeEntry([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("kme")] string Kme,
        [property: JsonPropertyName("cert")] string Cert, [property: JsonPropertyName("key")] string Key);

    public sealed record Description([property: JsonPropertyName("ca")] string Ca, [property: JsonPropertyName("kmes")] IReadOnlyList<KmeEntry> Kmes,
        [property: JsonPropertyName("saes")] IReadOnlyList<SaeEntry> Saes);

    /// <summary>One simulated link between two KMEs; <see cref="Supply"/> is null when the network runs no paced supply.</summary>
    public sealed record Link(string Id, string KmeA, string KmeB, KeySupplyPump Pump)
    {
        public Qkd.KeyManagement.IKeySupply? Supply { get; init; }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly List<KmsHost> _hosts = [];
    private readonly List<IDisposable> _owned = [];
    private readonly List<Task> _pumps = [];
    private readonly CancellationTokenSource _stop = new();

    private DevNetwork(Description description, IReadOnlyList<string> configPaths)
    {
        Info = description;
        ConfigPaths = configPaths;
    }

    public Description Info { get; }
    public IReadOnlyList<string> ConfigPaths { get; }
    public IReadOnlyList<KmsHost> Hosts => _hosts;
    public List<Link> Links { get; } = [];
    public string DevJsonPath => Path.Combine(Path.GetDirectoryName(ConfigPaths[0])!, "dev.json");

    /// <summary>KME IDs in line order: KME_A, KME_B[, KME_C].</summary>
    public static IReadOnlyList<string> KmeIds(int kmes) => ["KME_A", "KME_B", .. kmes == 3 ? new[] { "KME_C" } : []];

    /// <summary>Writes certificates, configs and dev.json without starting anything (ports chosen now).</summary>
    public static (Description Info, IReadOnlyList<string> ConfigPaths) WriteFiles(DevNetworkOptions o, DateTimeOffset now)
    {
        if (o.Kmes is not (2 or 3))
        {
            throw new ArgumentException($"--kmes must be 2 or 3, but was {o.Kmes}.");
        }
        var dir = Path.GetFullPath(o.Directory);
        System.IO.Directory.CreateDirectory(dir);
        var kmes = KmeIds(o.Kmes);
        var saesOf = kmes.Select(k => Enumerable.Range(1, o.SaesPerKme).Select(j => "SAE_" + k[^1] + (j == 1 ? "" : j.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList()).ToList();
        var saes = saesOf.SelectMany(x => x).ToList();
        var links = Enumerable.Range(0, kmes.Count - 1).Select(i => $"LINK_{kmes[i][^1]}_{kmes[i + 1][^1]}").ToList();
        // A dev network's folder is its own: a rerun replaces its certificates.
        var certs = DevCertificates.Create(Path.Combine(dir, "certs"), kmes, saes, links, now, overwrite: true);
        var ports = kmes.Select(_ => FreePort()).ToList();
        var urls = ports.Select(p => $"https://127.0.0.1:{p}").ToList();
        var paths = new List<string>();
        for (var i = 0; i < kmes.Count; i++)
        {
            var peers = new List<PeerConfig>();
            if (i > 0)
            {
                peers.Add(new PeerConfig(kmes[i - 1], urls[i - 1], saesOf[i - 1], links[i - 1]));
            }
            if (i < kmes.Count - 1)
            {
                peers.Add(new PeerConfig(kmes[i + 1], urls[i + 1], saesOf[i + 1], links[i]));
            }
            var routes = new List<RouteConfig>();
            for (var j = 0; j < kmes.Count; j++)
            {
                if (Math.Abs(j - i) > 1)
                {
                    routes.Add(new RouteConfig(kmes[j], kmes[j < i ? i - 1 : i + 1], saesOf[j]));
                }
            }
            var kme = certs.Kmes[i];
            var config = new KmsConfig
            {
                KmeId = kmes[i],
                Listen = urls[i],
                Tls = new TlsConfig(certs.CaCertPath, kme.CertPath, kme.KeyPath),
                Saes = saesOf[i].Select(x => new SaeConfig(x)).ToList(),
                Peers = peers,
                Routes = routes,
                Store = o.PostgresConnectionString is null
                    ? new StoreConfig { Kind = "sqlite", Path = Path.Combine(dir, kmes[i].ToLowerInvariant() + ".db") }
                    : new StoreConfig { Kind = "postgres", Path = null, ConnectionString = o.PostgresConnectionString, Schema = $"{o.SchemaPrefix}_{kmes[i].ToLowerInvariant()}" },
                Keys = o.Keys,
                KeyWrapKey = o.KeyWrapKey is null ? null : Convert.ToBase64String(o.KeyWrapKey),
                AuditLog = Path.Combine(dir, kmes[i].ToLowerInvariant() + "-audit.jsonl"),
            };
            var path = Path.Combine(dir, kmes[i].ToLowerInvariant() + ".json");
            // 0600 from the start: the config may hold the wrapping key.
            PrivateFile.WriteAllText(path, JsonSerializer.Serialize(config, KmsConfig.JsonOptions), overwrite: true);
            paths.Add(path);
        }
        var description = new Description(certs.CaCertPath,
            kmes.Select((k, i) => new KmeEntry(k, urls[i])).ToList(),
            certs.Saes.Select(s => new SaeEntry(s.Name, "KME_" + s.Name[4], s.CertPath, s.KeyPath)).ToList());
        WriteDescription(Path.Combine(dir, "dev.json"), description);
        return (description, paths);
    }

    /// <summary>Writes dev.json whole or not at all (a temporary file moved over it), so a reader never sees half of it.</summary>
    private static void WriteDescription(string path, Description description)
    {
        var partial = path + ".partial";
        File.WriteAllText(partial, JsonSerializer.Serialize(description, Indented));
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>
    /// Writes the files, starts every KME and link, and prefills the pools. dev.json is written last, once the pools
    /// are prefilled: a client that waits for it (`qkd kms load`, the gateways) never finds KMEs with empty pools, and a
    /// start that fails leaves none behind (a stale one from an earlier run would name ports nobody listens on).
    /// </summary>
    public static async Task<DevNetwork> StartAsync(DevNetworkOptions o, Action<ILoggingBuilder>? logging = null, TimeProvider? time = null, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        var (info, paths) = WriteFiles(o, time.GetUtcNow());
        var net = new DevNetwork(info, paths);
        File.Delete(net.DevJsonPath);
        try
        {
            foreach (var p in paths)
            {
                net._hosts.Add(await KmsHost.StartAsync(KmsConfig.Load(p), logging, time, ct));
            }
            var certDir = Path.GetDirectoryName(info.Ca)!;
            var trust = CertificateTrust.FromPem(info.Ca);
            net._owned.Add(trust);
            ILogger logger = NullLogger.Instance;
            if (logging is not null)
            {
                var factory = LoggerFactory.Create(logging);
                net._owned.Add(factory);
                logger = factory.CreateLogger("Qkd.Kms.Supply");
            }
            for (var i = 0; i + 1 < net._hosts.Count; i++)
            {
                var a = info.Kmes[i].Id;
                var b = info.Kmes[i + 1].Id;
                var linkId = $"LINK_{a[^1]}_{b[^1]}";
                var device = DevCertificates.LoadWithKey(Path.Combine(certDir, linkId.ToLowerInvariant() + ".pem"), Path.Combine(certDir, linkId.ToLowerInvariant() + ".key"));
                var sinkA = new HttpsKeyBlockSink(net._hosts[i].Url, a, device, trust);
                var sinkB = new HttpsKeyBlockSink(net._hosts[i + 1].Url, b, device, trust);
                net._owned.AddRange([device, sinkA, sinkB]);
                var pump = new KeySupplyPump(sinkA, sinkB, logger);
                Qkd.KeyManagement.IKeySupply? supply = !o.RunSupply ? null : o.Supply == KeySupplyKind.Bb84
                    ? new DistilledKeySupply(linkId, o.Bb84 with { Seed = LinkSeed(o.SupplySeed, i) }, time, logger)
                    : new SimulatedKeySupply(linkId, o.RateBitsPerSecond, TimeSpan.FromSeconds(1), time);
                net.Links.Add(new Link(linkId, a, b, pump) { Supply = supply });
                await PrefillAsync(pump, linkId, o.PrefillBits, Guard.InRange(o.PrefillBurstBits, 8, 1L << 34), ct);
                if (supply is not null)
                {
                    net._pumps.Add(pump.RunAsync(supply, net._stop.Token));
                }
            }
            WriteDescription(net.DevJsonPath, info);
            return net;
        }
        catch
        {
            await net.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Delivers <paramref name="bits"/> of random key to both ends of a link in bursts of at most
    /// <paramref name="burstBits"/>; throws when a burst is not stored at both ends (a prefill that silently failed
    /// used to leave the pools empty while the command said they were full).
    /// </summary>
    private static async Task PrefillAsync(KeySupplyPump pump, string linkId, long bits, long burstBits, CancellationToken ct)
    {
        for (var left = bits; left > 0; left -= burstBits)
        {
            if (!await pump.DeliverAsync(SimulatedKeySupply.Burst(Math.Min(left, burstBits)), ct))
            {
                throw new InvalidOperationException($"prefill of link {linkId} failed after {bits - left} of {bits} bits (see the supply log)");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_pumps);
        foreach (var h in _hosts)
        {
            await h.DisposeAsync();
        }
        foreach (var d in _owned)
        {
            d.Dispose();
        }
        _stop.Dispose();
    }

    /// <summary>Seed of link <paramref name="index"/> (0: A-B, 1: B-C): an independent stream of the network's supply seed.</summary>
    public static ulong LinkSeed(ulong supplySeed, int index) => Qkd.Bits.SimRandom.ForStream(supplySeed, (ulong)index).NextUInt64();

    /// <summary>A TCP port that was free a moment ago on 127.0.0.1, below the ephemeral range (<see cref="Qkd.Hosting.LoopbackPort"/>).</summary>
    public static int FreePort() => Qkd.Hosting.LoopbackPort.Pick();
}
