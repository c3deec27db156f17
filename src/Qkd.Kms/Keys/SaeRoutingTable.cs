using Qkd.Kms.Config;

namespace Qkd.Kms.Keys;

/// <summary>
/// Where SAEs and KMEs are, read from the configuration: the local SAEs, the KME each known SAE is
/// attached to (this one, a linked peer, or a KME reached through a route), the direct peer that is the
/// next hop towards a KME, and the direction rule of a link pool (docs/kms.md "Relay").
/// </summary>
public sealed class SaeRoutingTable(KmsConfig config)
{
    /// <summary>This KME's ID.</summary>
    public string KmeId => config.KmeId;

    /// <summary>The local SAE whose certificate CN is <paramref name="cn"/>, or null.</summary>
    public string? LocalSaeByCn(string cn) => config.Saes.FirstOrDefault(s => s.Cn == cn)?.Id;

    /// <summary>Whether <paramref name="sae"/> is attached to this KME.</summary>
    public bool IsLocal(string sae) => config.Saes.Any(s => s.Id == sae);

    /// <summary>The KME an SAE is attached to (this one, a peer, or a routed KME), or null when unknown.</summary>
    public string? KmeOfSae(string sae)
    {
        if (IsLocal(sae))
        {
            return config.KmeId;
        }
        return config.Peers.FirstOrDefault(p => p.Saes.Contains(sae))?.KmeId ?? config.Routes.FirstOrDefault(r => r.Saes.Contains(sae))?.KmeId;
    }

    /// <summary>The direct peer through which <paramref name="kme"/> is reached, or null.</summary>
    public string? NextHop(string kme)
        => config.Peers.Any(p => p.KmeId == kme) ? kme : config.Routes.FirstOrDefault(r => r.KmeId == kme)?.Via;

    /// <summary>
    /// Direction rule that keeps both KMEs of a link from reserving the same units when each serves
    /// masters: the KME with the smaller ID takes the oldest units, the other the newest. A collision
    /// near an empty pool is still caught by the peer's check (409) and costs only those units.
    /// </summary>
    public bool TakesNewestFrom(string peer) => string.CompareOrdinal(config.KmeId, peer) > 0;
}
