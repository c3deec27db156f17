namespace Qkd.Testbed.Link;

/// <summary>What one distilled block of a live link gave (counts only, never key material).</summary>
/// <param name="LinkId">The link.</param>
/// <param name="Index">Block number on the link, from 0.</param>
/// <param name="StartLinkSeconds">Link time at the block's first pulse [s].</param>
/// <param name="EndLinkSeconds">Link time after its last pulse [s].</param>
/// <param name="RunSeconds">Wall-clock time since the run started when the block's outcome was known [s].</param>
/// <param name="SiftedBits">Sifted key bits of the block.</param>
/// <param name="Qber">Estimated QBER of the block's key bits (disclosed sample).</param>
/// <param name="Y1Lower">Decoy bound: lower bound on the single-photon yield.</param>
/// <param name="E1Upper">Decoy bound: upper bound on the single-photon error rate.</param>
/// <param name="LeakedBits">Bits disclosed by error correction and verification (lambda_EC).</param>
/// <param name="GrossSecretBits">Final key length from the finite-key bound, before authentication was paid back [bits].</param>
/// <param name="AuthenticationBits">Key bits paid back into the authentication pool [bits].</param>
/// <param name="SecretBits">Key bits delivered to the KMEs (whole bytes; 0 when rejected).</param>
/// <param name="Outcome">"delivered" or "rejected".</param>
/// <param name="Reason">Why a block was rejected (null when delivered).</param>
/// <param name="EveShare">Share of the block's pulses sent while the attacker was on, in [0, 1].</param>
/// <param name="AnalyticModel">The analytic model of the same link and block size.</param>
/// <param name="AnalyticSecretKeyRateBps">That model's secret key rate [bit/s].</param>
/// <param name="AnalyticStandardDeviationBps">Standard deviation of one block's rate around the model from the Poisson
/// spread of the block's counts through the bound (<see cref="Qkd.Distillation.KeyDistillation.Predict"/>) [bit/s]; 0 when not computed.</param>
public sealed record BlockRecord(
    string LinkId, long Index, double StartLinkSeconds, double EndLinkSeconds, double RunSeconds, long SiftedBits, double Qber,
    double Y1Lower, double E1Upper, long LeakedBits, long GrossSecretBits, long AuthenticationBits, long SecretBits,
    string Outcome, string? Reason, double EveShare, string AnalyticModel, double AnalyticSecretKeyRateBps,
    double AnalyticStandardDeviationBps = 0)
{
    /// <summary>The outcome of a block whose key reached the KMEs.</summary>
    public const string Delivered = "delivered";

    /// <summary>The outcome of a block that gave no key.</summary>
    public const string Rejected = "rejected";

    /// <summary>Link time the block covers [s].</summary>
    public double LinkSecondsCovered => EndLinkSeconds - StartLinkSeconds;

    /// <summary>Net secret key rate of the block [bit/s of link time].</summary>
    public double SecretKeyRateBps => SecretBits / LinkSecondsCovered;
}
