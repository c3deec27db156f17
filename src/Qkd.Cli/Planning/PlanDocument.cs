namespace Qkd.Cli.Planning;

// The plan file's shape (JSON and YAML share it; camelCase keys). Mutable DTOs for the deserialisers only:
// PlanFile converts them into validated domain records at once.
#pragma warning disable CA1002, CA2227, CA1056

/// <summary>Root of a plan file.</summary>
public sealed class PlanDocument
{
    public string? Name { get; set; }
    public string? Model { get; set; }
    public string? Preset { get; set; }
    public EquipmentDocument? Equipment { get; set; }
    public CostsDocument? Costs { get; set; }
    public List<SiteDocument>? Sites { get; set; }
    public List<FibreDocument>? Fibres { get; set; }
    public List<ArchitectureDocument>? Architectures { get; set; }
}

/// <summary>Overrides of the preset's device physics.</summary>
public sealed class EquipmentDocument
{
    public double? DetectorEfficiency { get; set; }
    public double? DarkCountPerPulse { get; set; }
    public double? Misalignment { get; set; }
    public double? RepetitionRateHz { get; set; }
    public double? DeadTimeS { get; set; }
}

/// <summary>Device cost model.</summary>
public sealed class CostsDocument
{
    public double Transmitter { get; set; }
    public double Receiver { get; set; }
    public double OpticalSwitchPort { get; set; }
    public double? OpticalSwitchLossDb { get; set; }
    public string? Currency { get; set; }
}

/// <summary>A site.</summary>
public sealed class SiteDocument
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? Name { get; set; }
}

/// <summary>A fibre with WDM, classical channels and key demand.</summary>
public sealed class FibreDocument
{
    public string? Id { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public double LengthKm { get; set; }
    public double? AttenuationDbPerKm { get; set; }
    public double? ExtraLossDb { get; set; }
    public string? Wdm { get; set; }
    public WdmOptionsDocument? WdmOptions { get; set; }
    public List<ClassicalChannelDocument>? ClassicalChannels { get; set; }
    public DemandDocument? Demand { get; set; }
}

/// <summary>Overrides of the WDM defaults.</summary>
public sealed class WdmOptionsDocument
{
    public double? MuxInsertionLossDb { get; set; }
    public double? DemuxInsertionLossDb { get; set; }
    public double? IsolationDb { get; set; }
    public double? FilterBandwidthNm { get; set; }
    public double? QuantumWavelengthNm { get; set; }
    public double? DetectionWindowS { get; set; }
    public double? RamanPeakPerKmPerNm { get; set; }
}

/// <summary>A classical wavelength.</summary>
public sealed class ClassicalChannelDocument
{
    public double LaunchPowerDbm { get; set; }
    public double WavelengthNm { get; set; }
    public string? Direction { get; set; }
}

/// <summary>Key demand behind a link.</summary>
public sealed class DemandDocument
{
    public long Devices { get; set; }
    public double? RefreshSeconds { get; set; }
    public double? KeyBits { get; set; }
}

/// <summary>An architecture: a list of devices.</summary>
public sealed class ArchitectureDocument
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<DeviceDocument>? Devices { get; set; }
}

/// <summary>A QKD device.</summary>
public sealed class DeviceDocument
{
    public string? Id { get; set; }
    public string? Role { get; set; }
    public string? Site { get; set; }
    public List<string>? Fibres { get; set; }
}
#pragma warning restore CA1002, CA2227, CA1056
