namespace Qkd.Network;

/// <summary>
/// Seed 003's Adaptive Key Residue algorithm as we read it (Lv, Cheng, Song, "Digital Twins Based
/// on Quantum Networking", IEEE Network 2022, Algorithm 1; reading and ambiguities in docs/network.md):
/// at every service arrival, every pool's key utilisation ratio r = 1 - M/C is computed from its
/// balance M (clamped to the capacity C, line 12) after the service has been charged (lines 16-17),
/// and each OLT's rate V is re-split in proportion to the utilisation of its pools,
/// f_i = r_i / sum_j r_j (lines 19-22); when every pool of a budget is full the split is equal.
/// </summary>
/// <remarks>
/// The paper's constraint "the same key generation rate of OLTs-QKP under the two OLTs, take the
/// minimum" concerns gateway-to-gateway pools fed by two OLTs; in this link-level model every pool
/// belongs to exactly one budget, so that constraint is vacuous (docs/network.md).
/// </remarks>
public sealed class AdaptiveResiduePolicy : IAllocationPolicy
{
    public string Name => "adaptive-residue";

    public ReallocationTrigger Trigger => ReallocationTrigger.EveryArrivalAllBudgets;

    public double Split(ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities, ReadOnlySpan<double> fullRates, ReadOnlySpan<double> drains, Span<double> fractions)
    {
        var sum = 0.0;
        for (var i = 0; i < fractions.Length; i++)
        {
            var r = Math.Clamp(1 - levels[i] / capacities[i], 0, 1);
            fractions[i] = r;
            sum += r;
        }
        if (sum <= 0)
        {
            fractions.Fill(1.0 / fractions.Length);
            return double.PositiveInfinity;
        }
        for (var i = 0; i < fractions.Length; i++)
        {
            fractions[i] /= sum;
        }
        return double.PositiveInfinity;
    }
}
