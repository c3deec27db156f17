using System.Collections.Immutable;
using Qkd.Physics;

namespace Qkd.Planning;

/// <summary>A fibre between two sites carrying one quantum channel and possibly classical channels.</summary>
/// <param name="Id">Unique id.</param>
/// <param name="FromSiteId">One end.</param>
/// <param name="ToSiteId">The other end.</param>
/// <param name="Fiber">Length and attenuation.</param>
/// <param name="ExtraLossDb">Connectors, splices, patch panels [dB] (WDM loss is separate).</param>
/// <param name="Wdm">WDM equipment on this fibre.</param>
/// <param name="ClassicalChannels">Classical wavelengths on the same fibre.</param>
/// <param name="Demand">Key demand of the devices behind this link.</param>
public sealed record FibreSpan(string Id, string FromSiteId, string ToSiteId, Fiber Fiber, double ExtraLossDb, WdmConfiguration Wdm,
    ImmutableArray<WdmDataChannel> ClassicalChannels, KeyDemand Demand);
