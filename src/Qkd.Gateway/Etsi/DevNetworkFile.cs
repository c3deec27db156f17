using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qkd.Gateway.Etsi;

/// <summary>
/// Reads the description a development KMS network writes (`qkd kms dev --dir DIR` writes DIR/dev.json:
/// {"ca", "kmes": [{"id", "url"}], "saes": [{"id", "kme", "cert", "key"}]}, docs/kms.md) and turns an SAE
/// entry into <see cref="SaeCredentials"/>. The gateway depends on that file format only, not on the KMS code.
/// </summary>
public sealed record DevNetworkFile(
    [property: JsonPropertyName("ca")] string Ca,
    [property: JsonPropertyName("kmes")] IReadOnlyList<DevNetworkFile.Kme> Kmes,
    [property: JsonPropertyName("saes")] IReadOnlyList<DevNetworkFile.Sae> Saes)
{
    public sealed record Kme([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("url")] string Url);

    public sealed record Sae([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("kme")] string Kme,
        [property: JsonPropertyName("cert")] string Cert, [property: JsonPropertyName("key")] string Key);

    /// <summary>Loads <paramref name="path"/>; I/O errors propagate, a malformed file is an <see cref="ArgumentException"/>.</summary>
    public static DevNetworkFile Load(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            return JsonSerializer.Deserialize<DevNetworkFile>(text) ?? throw new ArgumentException($"{path} is empty; expected the dev.json of `qkd kms dev`.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path} is not the dev.json of `qkd kms dev`: {e.Message}", e);
        }
    }

    /// <summary>The credentials of SAE <paramref name="saeId"/>.</summary>
    public SaeCredentials Credentials(string saeId)
    {
        var sae = Saes.FirstOrDefault(s => s.Id == saeId)
            ?? throw new ArgumentException($"SAE '{saeId}' is not in dev.json; it has {string.Join(", ", Saes.Select(s => s.Id))}.");
        var kme = Kmes.First(k => k.Id == sae.Kme);
        return new SaeCredentials(sae.Id, new Uri(kme.Url), Ca, sae.Cert, sae.Key, kme.Id);
    }
}
