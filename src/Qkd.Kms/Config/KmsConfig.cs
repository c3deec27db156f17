using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qkd.Kms.Config;

/// <summary>One KME's configuration file (docs/kms.md, "Configuration file"). Validated once by <see cref="Validate"/>.</summary>
public sealed record KmsConfig
{
    /// <summary>This KME's ID; its TLS certificate's subject CN must equal it.</summary>
    public required string KmeId { get; init; }

    /// <summary>Listen URL, https://IP:PORT (port 0 picks a free one).</summary>
    public string Listen { get; init; } = "https://127.0.0.1:8443";

    public required TlsConfig Tls { get; init; }

    /// <summary>SAEs attached to this KME; identity is the client certificate's subject CN.</summary>
    public IReadOnlyList<SaeConfig> Saes { get; init; } = [];

    /// <summary>KMEs sharing a QKD link with this one.</summary>
    public IReadOnlyList<PeerConfig> Peers { get; init; } = [];

    /// <summary>KMEs reached through trusted relays (no direct link).</summary>
    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];

    public StoreConfig Store { get; init; } = new();

    public KeyPolicyConfig Keys { get; init; } = new();

    /// <summary>Base64 256-bit key wrapping key material at rest (AES-256-GCM under a per-record HKDF key); `kms serve` requires it unless --insecure-dev-store.</summary>
    public string? KeyWrapKey { get; init; }

    /// <summary>Earlier wrapping keys (base64, 256 bits): records wrapped under them still open; new records use <see cref="KeyWrapKey"/> (rotation, docs/kms.md).</summary>
    public IReadOnlyList<string> PreviousKeyWrapKeys { get; init; } = [];

    /// <summary>Optional JSON-lines audit file (one line per delivery, never key material).</summary>
    public string? AuditLog { get; init; }

    /// <summary>Base directory that relative paths are resolved against (the config file's folder).</summary>
    [JsonIgnore]
    public string BaseDirectory { get; init; } = ".";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and validates a config file; relative paths resolve against its folder.</summary>
    public static KmsConfig Load(string path)
    {
        var text = File.ReadAllText(path);
        KmsConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<KmsConfig>(text, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"KME config '{path}' is not valid: {e.Message}", e);
        }
        if (config is null)
        {
            throw new ArgumentException($"KME config '{path}' is empty.");
        }
        config = config with { BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "." };
        config.Validate();
        return config;
    }

    /// <summary>Resolves a path from the config against <see cref="BaseDirectory"/>.</summary>
    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));

    /// <summary>Checks every field once; throws ArgumentException naming the field, its valid range and the value.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(KmeId), "kmeId must be a non-empty string.");
        Require(Uri.TryCreate(Listen, UriKind.Absolute, out var listen) && listen.Scheme == "https",
            $"listen must be an https:// URL such as https://127.0.0.1:8443, but was '{Listen}'.");
        Keys.Validate();
        Store.Validate();
        var ids = new HashSet<string>(StringComparer.Ordinal) { KmeId };
        foreach (var p in Peers)
        {
            Require(ids.Add(p.KmeId), $"peers: KME ID '{p.KmeId}' appears twice or equals this KME's ID.");
            Require(Uri.TryCreate(p.Url, UriKind.Absolute, out var u) && u.Scheme == "https", $"peers[{p.KmeId}].url must be an https:// URL, but was '{p.Url}'.");
        }
        foreach (var r in Routes)
        {
            Require(ids.Add(r.KmeId), $"routes: KME ID '{r.KmeId}' appears twice or is already a direct peer.");
            Require(Peers.Any(p => p.KmeId == r.Via), $"routes[{r.KmeId}].via must name a direct peer ({string.Join(", ", Peers.Select(p => p.KmeId))}), but was '{r.Via}'.");
        }
        var saeIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in Saes.Select(s => s.Id).Concat(Peers.SelectMany(p => p.Saes)).Concat(Routes.SelectMany(r => r.Saes)))
        {
            Require(saeIds.Add(s), $"SAE ID '{s}' is attached to more than one KME in this config.");
        }
        ValidateIdentities();
        Require(KeyWrapKey is null || IsAesKey(KeyWrapKey), "keyWrapKey must be base64 of exactly 32 bytes (AES-256).");
        Require(PreviousKeyWrapKeys.All(IsAesKey), "previousKeyWrapKeys must each be base64 of exactly 32 bytes (AES-256).");
        Require(PreviousKeyWrapKeys.Count == 0 || KeyWrapKey is not null, "previousKeyWrapKeys needs a keyWrapKey (the key that wraps new records).");
    }

    /// <summary>
    /// Names of different roles never collide (an SAE named like a KME or a link device could otherwise be
    /// mistaken for it by anyone reading CNs), and pinned thumbprints are 64 hex digits.
    /// </summary>
    private void ValidateIdentities()
    {
        var kmes = new HashSet<string>([KmeId, .. Peers.Select(p => p.KmeId), .. Routes.Select(r => r.KmeId)], StringComparer.Ordinal);
        var devices = new HashSet<string>(Peers.Where(p => p.LinkDeviceCn is not null).Select(p => p.LinkDeviceCn!), StringComparer.Ordinal);
        var saes = Saes.SelectMany(s => new[] { s.Id, s.Cn }).Concat(Peers.SelectMany(p => p.Saes)).Concat(Routes.SelectMany(r => r.Saes)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var s in saes)
        {
            Require(!kmes.Contains(s) && !devices.Contains(s), $"SAE '{s}' has the name of a KME or a link device; names of KMEs, SAEs and link devices must differ.");
        }
        foreach (var d in devices)
        {
            Require(!kmes.Contains(d), $"link device '{d}' has the name of a KME; names of KMEs, SAEs and link devices must differ.");
        }
        var pins = Saes.Select(s => ("saes[" + s.Id + "].certificateSha256", s.CertificateSha256))
            .Concat(Peers.Select(p => ("peers[" + p.KmeId + "].certificateSha256", p.CertificateSha256)))
            .Concat(Peers.Select(p => ("peers[" + p.KmeId + "].linkDeviceCertificateSha256", p.LinkDeviceCertificateSha256)));
        foreach (var (field, pin) in pins)
        {
            Require(pin is null || (pin.Length == 64 && pin.All(char.IsAsciiHexDigit)), $"{field} must be 64 hex digits (SHA-256 of the certificate's DER), but was '{pin}'.");
        }
    }

    private static bool IsAesKey(string text)
    {
        var buffer = new byte[48];
        return Convert.TryFromBase64String(text, buffer, out var n) && n == 32;
    }

    internal static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}

/// <summary>PEM files: the CA that signs every KME, SAE and link-device certificate, this KME's certificate and key, and optionally a CRL of that CA.</summary>
public sealed record TlsConfig(string CaCert, string Cert, string Key, string? Crl = null);

/// <summary>An SAE attached to this KME; <see cref="CertificateCn"/> defaults to <see cref="Id"/>; <see cref="CertificateSha256"/> optionally pins its certificate (hex SHA-256 of the DER).</summary>
public sealed record SaeConfig(string Id, string? CertificateCn = null, string? CertificateSha256 = null)
{
    public string Cn => CertificateCn ?? Id;
}

/// <summary>A KME sharing a QKD link with this one: its URL, its SAEs, and the CN of the link device allowed to push key blocks for this link.</summary>
/// <remarks>The optional SHA-256 thumbprints (hex of the DER) pin the peer's and the link device's certificates.</remarks>
public sealed record PeerConfig(string KmeId, string Url, IReadOnlyList<string> Saes, string? LinkDeviceCn = null,
    string? CertificateSha256 = null, string? LinkDeviceCertificateSha256 = null);

/// <summary>A KME without a direct link, reached by relaying through the direct peer <see cref="Via"/>.</summary>
public sealed record RouteConfig(string KmeId, string Via, IReadOnlyList<string> Saes);

/// <summary>Key store selection: "sqlite" (path) or "postgres" (connection string, schema).</summary>
public sealed record StoreConfig
{
    public string Kind { get; init; } = "sqlite";
    public string? Path { get; init; } = "kme.db";
    public string? ConnectionString { get; init; }

    /// <summary>PostgreSQL schema holding this KME's tables; KME processes of one KME ID share it (scale-out).</summary>
    public string? Schema { get; init; }

    internal void Validate()
    {
        KmsConfig.Require(Kind is "sqlite" or "postgres", $"store.kind must be sqlite or postgres, but was '{Kind}'.");
        KmsConfig.Require(Kind != "sqlite" || !string.IsNullOrWhiteSpace(Path), "store.path is required for store.kind sqlite.");
        KmsConfig.Require(Kind != "postgres" || !string.IsNullOrWhiteSpace(ConnectionString), "store.connectionString is required for store.kind postgres.");
        KmsConfig.Require(Schema is null || System.Text.RegularExpressions.Regex.IsMatch(Schema, "^[a-z_][a-z0-9_]{0,62}$"),
            $"store.schema must match [a-z_][a-z0-9_]* (at most 63 characters), but was '{Schema}'.");
    }
}

/// <summary>Key sizes and pool limits, all in bits or counts as named.</summary>
public sealed record KeyPolicyConfig
{
    /// <summary>Storage granularity: key blocks are cut into units of this many bits (multiple of 8).</summary>
    public int UnitBits { get; init; } = 256;
    public int DefaultSizeBits { get; init; } = 256;
    public int MinSizeBits { get; init; } = 64;
    public int MaxSizeBits { get; init; } = 8192;
    public int MaxKeysPerRequest { get; init; } = 128;

    /// <summary>Most additional slave SAEs of one multicast enc_keys request (ETSI 014 max_SAE_ID_count).</summary>
    public int MaxSaeIdCount { get; init; } = 8;

    /// <summary>Maximum available units per link pool; further blocks are refused (HTTP 507) until keys are used.</summary>
    public long MaxPoolUnits { get; init; } = 4_000_000;

    /// <summary>Keys and units older than this are expired and wiped.</summary>
    public double MaxAgeSeconds { get; init; } = 86_400;

    /// <summary>Most units one key lease takes from a link pool (docs/kms.md "Key leases"); a lease takes at most half the available units unless a request needs more.</summary>
    public int LeaseUnits { get; init; } = 256;

    /// <summary>A reservation not confirmed by the peer within this time is discarded (crash recovery).</summary>
    public double ReservationTimeoutSeconds { get; init; } = 30;

    internal void Validate()
    {
        KmsConfig.Require(UnitBits is >= 8 and <= 65_536 && UnitBits % 8 == 0, $"keys.unitBits must be a multiple of 8 within [8, 65536] bits, but was {UnitBits} bits.");
        KmsConfig.Require(MinSizeBits >= 8 && MinSizeBits % 8 == 0, $"keys.minSizeBits must be a positive multiple of 8 bits, but was {MinSizeBits} bits.");
        KmsConfig.Require(MaxSizeBits >= MinSizeBits && MaxSizeBits % 8 == 0 && MaxSizeBits <= 1 << 20, $"keys.maxSizeBits must be a multiple of 8 within [minSizeBits, 1048576] bits, but was {MaxSizeBits} bits.");
        KmsConfig.Require(DefaultSizeBits >= MinSizeBits && DefaultSizeBits <= MaxSizeBits && DefaultSizeBits % 8 == 0, $"keys.defaultSizeBits must be a multiple of 8 within [{MinSizeBits}, {MaxSizeBits}] bits, but was {DefaultSizeBits} bits.");
        KmsConfig.Require(MaxKeysPerRequest is >= 1 and <= 10_000, $"keys.maxKeysPerRequest must be within [1, 10000], but was {MaxKeysPerRequest}.");
        KmsConfig.Require(MaxSaeIdCount is >= 1 and <= 64, $"keys.maxSaeIdCount must be within [1, 64], but was {MaxSaeIdCount}.");
        KmsConfig.Require(MaxPoolUnits >= 1, $"keys.maxPoolUnits must be at least 1, but was {MaxPoolUnits}.");
        KmsConfig.Require(MaxAgeSeconds > 0, $"keys.maxAgeSeconds must be positive, but was {MaxAgeSeconds} s.");
        KmsConfig.Require(LeaseUnits is >= 1 and <= 1_000_000, $"keys.leaseUnits must be within [1, 1000000] units, but was {LeaseUnits}.");
        KmsConfig.Require(ReservationTimeoutSeconds > 0, $"keys.reservationTimeoutSeconds must be positive, but was {ReservationTimeoutSeconds} s.");
    }
}
