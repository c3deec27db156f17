using System.Collections.Immutable;

namespace Qkd.Planning;

/// <summary>Transmitter (Alice) or receiver (Bob).</summary>
public enum DeviceRole
{
    /// <summary>Alice: source and modulators.</summary>
    Transmitter,

    /// <summary>Bob: decoder and single-photon detectors (the expensive part).</summary>
    Receiver,
}

/// <summary>
/// One QKD device at a site. When it serves several fibres it is time-shared between them through an optical switch:
/// each fibre gets 1/k of its time and the switch's insertion loss.
/// </summary>
/// <param name="Id">Unique id.</param>
/// <param name="Role">Transmitter or receiver.</param>
/// <param name="SiteId">Where it stands.</param>
/// <param name="FibreIds">The fibres it serves (k = count).</param>
public sealed record QkdDevice(string Id, DeviceRole Role, string SiteId, ImmutableArray<string> FibreIds);
