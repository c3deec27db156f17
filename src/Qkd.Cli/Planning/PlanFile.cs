using System.Collections.Immutable;
using System.Text.Json;
using Qkd.Cli.Planning.Documents;
using Qkd.Physics;
using Qkd.Planning;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Qkd.Cli.Planning;

/// <summary>
/// Reads a deployment plan from JSON (.json) or YAML (.yaml/.yml) into a <see cref="DeploymentPlan"/>.
/// The format is documented in docs/plan-format.md; samples live in scenarios/plans/.
/// </summary>
public static class PlanFile
{
    /// <summary>Loads and converts <paramref name="path"/>; a missing file or a malformed document is a <see cref="UsageException"/>.</summary>
    public static DeploymentPlan Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"Plan file '{path}' does not exist; give the path of a .json or .yaml plan (samples in scenarios/plans/).");
        }
        var text = File.ReadAllText(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        PlanDocument? doc;
        try
        {
            doc = ext is ".yaml" or ".yml"
                ? new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<PlanDocument>(text)
                : JsonSerializer.Deserialize<PlanDocument>(text, JsonOptions);
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw new UsageException($"Plan file '{path}' is not a valid plan: {e.Message}");
        }
        if (doc is null)
        {
            throw new UsageException($"Plan file '{path}' is empty.");
        }
        return Convert(doc, path);
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Maps the document onto the domain records (which validate values).</summary>
    public static DeploymentPlan Convert(PlanDocument doc, string source)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var equipment = LinkPresets.Get(doc.Preset ?? "seed-000");
        if (doc.Equipment is { } e)
        {
            if (e.DetectorEfficiency is { } eff)
            {
                equipment = LinkParameter.Apply(equipment, "detector-efficiency", eff);
            }
            if (e.DarkCountPerPulse is { } dc)
            {
                equipment = LinkParameter.Apply(equipment, "dark-count-per-pulse", dc);
            }
            if (e.Misalignment is { } m)
            {
                equipment = LinkParameter.Apply(equipment, "misalignment", m);
            }
            if (e.RepetitionRateHz is { } r)
            {
                equipment = LinkParameter.Apply(equipment, "repetition-rate-hz", r);
            }
            if (e.DeadTimeS is { } dt)
            {
                equipment = LinkParameter.Apply(equipment, "dead-time-s", dt);
            }
        }
        var costs = doc.Costs is { } c
            ? new DeviceCosts(c.Transmitter, c.Receiver, c.OpticalSwitchPort, c.OpticalSwitchLossDb ?? 1.0, c.Currency ?? "EUR")
            : new DeviceCosts(60_000, 120_000, 2_000);
        var sites = (doc.Sites ?? []).Select(s => new Site(Required(s.Id, "sites[].id", source), ParseSiteKind(s.Kind, s.Id), s.Name)).ToImmutableArray();
        var fibres = (doc.Fibres ?? []).Select(f => ConvertFibre(f, source)).ToImmutableArray();
        var architectures = (doc.Architectures ?? []).Select(a => new Architecture(
            Required(a.Name, "architectures[].name", source), a.Description ?? "",
            (a.Devices ?? []).Select(d => new QkdDevice(Required(d.Id, "devices[].id", source), ParseRole(d.Role, d.Id), Required(d.Site, "devices[].site", source),
                [.. d.Fibres ?? []])).ToImmutableArray())).ToImmutableArray();
        return new DeploymentPlan(doc.Name ?? Path.GetFileNameWithoutExtension(source), doc.Model ?? "decoy-vacuum-weak", equipment, costs, sites, fibres, architectures);
    }

    private static FibreSpan ConvertFibre(FibreDocument f, string source)
    {
        var id = Required(f.Id, "fibres[].id", source);
        var kind = (f.Wdm ?? "none").ToLowerInvariant() switch
        {
            "none" => WdmKind.None,
            "passive" => WdmKind.Passive,
            "active" => WdmKind.Active,
            var other => throw new UsageException($"Fibre '{id}': wdm must be one of none, passive, active, but was '{other}'."),
        };
        var wdm = WdmConfiguration.For(kind);
        if (f.WdmOptions is { } o)
        {
            wdm = wdm with
            {
                MuxInsertionLossDb = o.MuxInsertionLossDb ?? wdm.MuxInsertionLossDb,
                DemuxInsertionLossDb = o.DemuxInsertionLossDb ?? wdm.DemuxInsertionLossDb,
                IsolationDb = o.IsolationDb ?? wdm.IsolationDb,
                FilterBandwidthNm = o.FilterBandwidthNm ?? wdm.FilterBandwidthNm,
                QuantumWavelengthNm = o.QuantumWavelengthNm ?? wdm.QuantumWavelengthNm,
                DetectionWindowSeconds = o.DetectionWindowS ?? wdm.DetectionWindowSeconds,
                RamanPeakPerKmPerNm = o.RamanPeakPerKmPerNm ?? wdm.RamanPeakPerKmPerNm,
            };
        }
        var channels = (f.ClassicalChannels ?? []).Select(c => new WdmDataChannel(c.LaunchPowerDbm, c.WavelengthNm,
            (c.Direction ?? "co").ToLowerInvariant() switch
            {
                "co" or "co-propagating" => PropagationDirection.CoPropagating,
                "counter" or "counter-propagating" => PropagationDirection.CounterPropagating,
                var other => throw new UsageException($"Fibre '{id}': classical channel direction must be co or counter, but was '{other}'."),
            })).ToImmutableArray();
        var demand = f.Demand is { } d ? new KeyDemand(d.Devices, d.RefreshSeconds ?? 30, d.KeyBits ?? 256) : new KeyDemand(0, 30);
        return new FibreSpan(id, Required(f.From, $"fibre '{id}' from", source), Required(f.To, $"fibre '{id}' to", source),
            new Fiber(f.LengthKm, f.AttenuationDbPerKm ?? 0.2), f.ExtraLossDb ?? 0, wdm.Validated(), channels, demand);
    }

    private static string Required(string? value, string field, string source)
        => string.IsNullOrWhiteSpace(value) ? throw new UsageException($"Plan file '{source}': {field} is required.") : value;

    private static SiteKind ParseSiteKind(string? kind, string? id) => (kind ?? "").ToLowerInvariant() switch
    {
        "aau" => SiteKind.Aau,
        "du" => SiteKind.Du,
        "olt" => SiteKind.Olt,
        "edge-gateway" => SiteKind.EdgeGateway,
        "factory" => SiteKind.Factory,
        "central-office" => SiteKind.CentralOffice,
        _ => throw new UsageException($"Site '{id}': kind must be one of aau, du, olt, edge-gateway, factory, central-office, but was '{kind}'."),
    };

    private static DeviceRole ParseRole(string? role, string? id) => (role ?? "").ToLowerInvariant() switch
    {
        "transmitter" or "alice" => DeviceRole.Transmitter,
        "receiver" or "bob" => DeviceRole.Receiver,
        _ => throw new UsageException($"Device '{id}': role must be transmitter (alice) or receiver (bob), but was '{role}'."),
    };
}
