namespace Qkd.Network;

/// <summary>The baseline: each shared budget is split equally among its pools, once, for the whole run.</summary>
public sealed class FixedSplitPolicy : IAllocationPolicy
{
    public string Name => "fixed";

    public ReallocationTrigger Trigger => ReallocationTrigger.Never;

    public double Split(ReadOnlySpan<double> levels, ReadOnlySpan<double> capacities, ReadOnlySpan<double> fullRates, ReadOnlySpan<double> drains, Span<double> fractions)
    {
        fractions.Fill(1.0 / fractions.Length);
        return double.PositiveInfinity;
    }
}
