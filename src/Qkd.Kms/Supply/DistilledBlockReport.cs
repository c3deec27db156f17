namespace Qkd.Kms.Supply;

/// <summary>What one block of a <see cref="DistilledKeySupply"/> gave: counts and rates only, never key material.</summary>
/// <param name="Index">Block number on the link, from 0.</param>
/// <param name="Seed">Simulation seed of the block.</param>
/// <param name="LinkSeconds">Link time the block covers [s].</param>
/// <param name="SiftedBits">Sifted key bits of the block.</param>
/// <param name="SecretBits">Secret bits handed to the KMEs (whole bytes; 0 when dropped), after the block paid its authentication key back.</param>
/// <param name="AuthenticationBits">Secret bits the block paid back into the classical-channel authentication pool.</param>
/// <param name="Outcome">"delivered", "not-secure" (no secret bits: QBER, finite-key bound or authentication cost) or "keys-differ" (verification failed).</param>
/// <param name="AnalyticModel">Analytic model of the same link (see <see cref="Qkd.Distillation.KeyDistillation.AnalyticRate"/>).</param>
/// <param name="AnalyticSecretKeyRateBps">That model's secret key rate [bit/s].</param>
public sealed record DistilledBlockReport(long Index, ulong Seed, double LinkSeconds, long SiftedBits, long SecretBits, long AuthenticationBits,
    string Outcome, string AnalyticModel, double AnalyticSecretKeyRateBps)
{
    /// <summary>True when the block reached the KMEs.</summary>
    public bool Delivered => Outcome == DeliveredOutcome;

    /// <summary>Net secret key rate of the block [bit/s]: <see cref="SecretBits"/> / <see cref="LinkSeconds"/>.</summary>
    public double SecretKeyRateBps => SecretBits / LinkSeconds;

    internal const string DeliveredOutcome = "delivered";
    internal const string NotSecureOutcome = "not-secure";
    internal const string KeysDifferOutcome = "keys-differ";
}
