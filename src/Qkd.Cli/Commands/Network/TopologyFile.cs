using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Qkd.Network;
using Qkd.Physics;

namespace Qkd.Cli.Commands.Network;

/// <summary>Reads the JSON topology format documented in docs/network.md into a domain topology.</summary>
public static class TopologyFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Loads a file; missing or malformed files are usage errors naming the file and the problem.</summary>
    public static NetworkTopology Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--topology: file '{path}' does not exist (use metro3, city:N or a JSON topology file).");
        }
        TopologyDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<TopologyDto>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new UsageException($"--topology: '{path}' is not a valid topology file: {e.Message}");
        }
        if (dto is null)
        {
            throw new UsageException($"--topology: '{path}' is empty.");
        }
        try
        {
            return Parse(dto, Path.GetFileNameWithoutExtension(path));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--topology: '{path}': {e.Message}");
        }
    }

    /// <summary>Parses JSON text (used by tests and by <see cref="Load"/>).</summary>
    public static NetworkTopology Parse(string json, string fallbackName)
        => Parse(JsonSerializer.Deserialize<TopologyDto>(json, Options) ?? throw new UsageException("Topology JSON is empty."), fallbackName);

    private static NetworkTopology Parse(TopologyDto dto, string fallbackName)
    {
        var nodes = (dto.Nodes ?? []).Select(n => new NetworkNode(n.Id ?? throw new ArgumentException("Every node needs an \"id\"."), ParseRole(n.Role))).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            index[nodes[i].Id] = i;
        }
        int Node(string? id, string what) => id is not null && index.TryGetValue(id, out var i)
            ? i : throw new ArgumentException($"{what} '{id}' is not a node id (known: {string.Join(", ", index.Keys.Take(8))}...).");
        var links = new List<QkdLink>();
        foreach (var l in dto.Links ?? [])
        {
            var a = Node(l.A, "Link end \"a\"");
            var b = Node(l.B, "Link end \"b\"");
            var given = (l.KeysPerSecond is null ? 0 : 1) + (l.BitsPerSecond is null ? 0 : 1) + (l.Fibre is null ? 0 : 1);
            if (given != 1)
            {
                throw new ArgumentException($"Link {l.A}-{l.B} needs exactly one of \"keysPerSecond\", \"bitsPerSecond\" or \"fibre\", but had {given}.");
            }
            LinkRate rate = l.KeysPerSecond is { } k ? new LinkRate.Fixed(k)
                : l.BitsPerSecond is { } bits ? new LinkRate.Fixed(bits / (dto.KeySizeBits ?? 256))
                : new LinkRate.FromFibre(l.Fibre!.ToLinkDescription());
            var budget = l.Budget is null ? -1 : Node(l.Budget, "Link budget");
            links.Add(new QkdLink(a, b, l.CapacityKeys ?? throw new ArgumentException($"Link {l.A}-{l.B} needs \"capacityKeys\"."),
                rate, budget, l.LengthKm ?? l.Fibre?.LengthKm ?? 0));
        }
        TrafficMatrix? traffic = dto.Traffic is { Count: > 0 }
            ? TrafficMatrix.FromDemands(dto.Traffic.Select(t => new TrafficDemand(Node(t.Source, "Traffic source"), Node(t.Destination, "Traffic destination"), t.Weight ?? 1)))
            : null;
        return new NetworkTopology(dto.Name ?? fallbackName, nodes, links, traffic, dto.KeySizeBits ?? 256);
    }

    private static NodeRole ParseRole(string? role) => role switch
    {
        "metro-node" => NodeRole.MetroNode,
        "olt" => NodeRole.Olt,
        "edge-gateway" => NodeRole.EdgeGateway,
        "device" => NodeRole.Device,
        "aau" => NodeRole.Aau,
        "du" => NodeRole.Du,
        _ => throw new ArgumentException($"Node role must be one of metro-node, olt, edge-gateway, device, aau, du, but was '{role}'."),
    };

    private sealed record TopologyDto(string? Name, int? KeySizeBits, List<NodeDto>? Nodes, List<LinkDto>? Links, List<TrafficDto>? Traffic);

    private sealed record NodeDto(string? Id, string? Role);

    private sealed record LinkDto(string? A, string? B, double? CapacityKeys, double? KeysPerSecond, double? BitsPerSecond,
        FibreDto? Fibre, string? Budget, double? LengthKm);

    private sealed record TrafficDto(string? Source, string? Destination, double? Weight);

    private sealed record FibreDto(double LengthKm, double AttenuationDbPerKm = 0.2, double ExtraLossDb = 0, double MeanPhotonNumber = 0.5,
        ImmutableArray<double> DecoyMeanPhotonNumbers = default, double RepetitionRateHz = 1e9, double DetectorEfficiency = 0.1,
        double DarkCountProbability = 1e-6, double Misalignment = 0.01, double ErrorCorrectionEfficiency = 1.16, bool SinglePhoton = false)
    {
        public LinkDescription ToLinkDescription()
            => new(new Fiber(LengthKm, AttenuationDbPerKm), ExtraLossDb,
                new Source(SinglePhoton ? SourceKind.SinglePhoton : SourceKind.WeakCoherent, MeanPhotonNumber,
                    DecoyMeanPhotonNumbers.IsDefault ? [0.1, 0] : DecoyMeanPhotonNumbers, RepetitionRateHz),
                new Detector(DetectorEfficiency, DarkCountProbability, Misalignment), errorCorrectionEfficiency: ErrorCorrectionEfficiency);
    }
}
