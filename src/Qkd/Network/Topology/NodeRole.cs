namespace Qkd.Network;

/// <summary>What a site is in the network (seed 003's access/metro hierarchy; seed 000's 5G fronthaul).</summary>
public enum NodeRole
{
    /// <summary>Metropolitan-area network node (backbone).</summary>
    MetroNode,

    /// <summary>Optical line terminal: hub of a passive optical access network; trusted relay.</summary>
    Olt,

    /// <summary>Edge gateway: holds a QKD transmitter towards its OLT; services start and end here.</summary>
    EdgeGateway,

    /// <summary>IoT device behind an edge gateway.</summary>
    Device,

    /// <summary>Active antenna unit of a 5G fronthaul (seed 000).</summary>
    Aau,

    /// <summary>Distributed unit of a 5G fronthaul (seed 000).</summary>
    Du,
}
