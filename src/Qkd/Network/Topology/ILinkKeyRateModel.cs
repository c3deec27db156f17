using Qkd.Physics;

namespace Qkd.Network;

/// <summary>
/// Turns a link description into a secret key rate [bit/s]. The network simulator depends only on
/// this seam; the edge (CLI, planner) wires the foundation's key-rate models into it.
/// </summary>
public interface ILinkKeyRateModel
{
    /// <summary>Secret key rate of the link [bit/s], at least 0.</summary>
    double SecretKeyRateBitsPerSecond(LinkDescription link);
}
