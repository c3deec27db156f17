using Qkd.Bb84.Estimation;
using Qkd.Bb84.Link;

namespace Qkd.Bb84.Sifting;

/// <summary>The sifting rule both parties apply to public information (docs/bb84.md, "Sifting").</summary>
internal static class SiftingRule
{
    /// <summary>
    /// Key bits are the basis-matched detections of the signal intensity (both bases for four-state BB84 with
    /// vacuum+weak or no decoys; only Z for the three-state protocol) or, with the one-decoy bound, the
    /// Z-basis detections of every intensity. All other basis-matched detections are disclosed.
    /// </summary>
    public static SiftedRole Role(SimulationSettings settings, int intensity, int aliceBasis, int bobBasis)
    {
        if (aliceBasis != bobBasis)
        {
            return SiftedRole.Discarded;
        }
        var zOnly = settings.Protocol == ProtocolKind.ThreeState || settings.Estimation == EstimationMethod.OneDecoyFiniteKey;
        if (zOnly && aliceBasis != 0)
        {
            return SiftedRole.Disclosed;
        }
        if (settings.Estimation == EstimationMethod.OneDecoyFiniteKey)
        {
            return SiftedRole.Key;
        }
        return intensity == 0 ? SiftedRole.Key : SiftedRole.Disclosed;
    }

    /// <summary>The rule as a table indexed [intensity * 4 + aliceBasis * 2 + bobBasis].</summary>
    public static SiftedRole[] Table(SimulationSettings settings)
    {
        var table = new SiftedRole[settings.Intensities.Length * 4];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = Role(settings, i >> 2, (i >> 1) & 1, i & 1);
        }
        return table;
    }
}
