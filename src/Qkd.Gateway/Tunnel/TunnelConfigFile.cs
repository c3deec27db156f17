using System.Text.Json;
using System.Text.Json.Serialization;
using Qkd.Gateway.Etsi;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// A tunnel end's configuration file (JSON, docs/tunnel.md): the SAE and its KME credentials, the peer SAE,
/// the addresses, and the TLS settings. Every field is optional where the command line can give it instead;
/// command-line flags win. Paths are relative to the file's directory.
/// </summary>
public sealed record TunnelConfigFile
{
    [JsonPropertyName("sae")] public string? Sae { get; init; }
    [JsonPropertyName("peerSae")] public string? PeerSae { get; init; }
    [JsonPropertyName("kme")] public KmeSection? Kme { get; init; }
    [JsonPropertyName("listen")] public string? Listen { get; init; }
    [JsonPropertyName("forward")] public string? Forward { get; init; }
    [JsonPropertyName("local")] public string? Local { get; init; }
    [JsonPropertyName("peer")] public string? Peer { get; init; }
    [JsonPropertyName("pskMode")] public string? PskMode { get; init; }
    [JsonPropertyName("suite")] public string? Suite { get; init; }
    [JsonPropertyName("groups")] public string? Groups { get; init; }
    [JsonPropertyName("rekeyS")] public double? RekeyS { get; init; }
    [JsonPropertyName("keyWaitS")] public double? KeyWaitS { get; init; }
    [JsonPropertyName("streamMode")] public string? StreamMode { get; init; }
    [JsonPropertyName("freshKeyS")] public double? FreshKeyS { get; init; }

    /// <summary>The SAE's KME: base URL, the CA that issued its server certificate, the SAE's client certificate and key (PEM).</summary>
    public sealed record KmeSection(
        [property: JsonPropertyName("url")] string Url,
        [property: JsonPropertyName("ca")] string Ca,
        [property: JsonPropertyName("cert")] string Cert,
        [property: JsonPropertyName("key")] string Key);

    /// <summary>The directory relative paths are resolved against (set by <see cref="Load"/>).</summary>
    [JsonIgnore] public string BaseDirectory { get; init; } = ".";

    private static readonly JsonSerializerOptions Strict = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Loads <paramref name="path"/>; I/O errors propagate, a malformed file is an <see cref="ArgumentException"/>.</summary>
    public static TunnelConfigFile Load(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            var file = JsonSerializer.Deserialize<TunnelConfigFile>(text, Strict)
                ?? throw new ArgumentException($"{path} is empty; expected a tunnel configuration object (docs/tunnel.md).");
            return file with { BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))! };
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path} is not a tunnel configuration file (docs/tunnel.md): {e.Message}", e);
        }
    }

    /// <summary>The SAE credentials of the "kme" section, or null when the file has none.</summary>
    public SaeCredentials? Credentials(string saeId) => Kme is null
        ? null
        : new SaeCredentials(saeId, new Uri(Kme.Url), Resolve(Kme.Ca), Resolve(Kme.Cert), Resolve(Kme.Key));

    private string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));
}
