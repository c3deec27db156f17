namespace Qkd.Planning;

/// <summary>Kinds of sites in an industrial / 5G fronthaul deployment.</summary>
public enum SiteKind
{
    /// <summary>Active antenna unit (5G radio at the mast).</summary>
    Aau,

    /// <summary>Distributed unit (baseband, central office side of the fronthaul).</summary>
    Du,

    /// <summary>Optical line terminal of a passive optical network.</summary>
    Olt,

    /// <summary>Edge gateway / multi-access edge computing node (seed 002's TIM edge node).</summary>
    EdgeGateway,

    /// <summary>Factory site (seed 002's CIM4.0 pilot line).</summary>
    Factory,

    /// <summary>Telecom central office (fibre transit).</summary>
    CentralOffice,
}
