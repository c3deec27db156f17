namespace Qkd.PostProcessing;

/// <summary>What happened to one block.</summary>
/// <param name="Index">Block number in the run.</param>
/// <param name="Outcome">How the block ended.</param>
/// <param name="InputBits">Sifted bits in.</param>
/// <param name="SampleBits">Bits disclosed and discarded for parameter estimation.</param>
/// <param name="QberEstimate">QBER estimate that set the Cascade block sizes.</param>
/// <param name="ReconciledBits">n: bits reconciled.</param>
/// <param name="CorrectedErrors">Bits Bob corrected.</param>
/// <param name="Qber">Measured QBER = corrected / n.</param>
/// <param name="CascadeParityBits">Parities Cascade disclosed.</param>
/// <param name="LeakedBits">lambda_EC: Cascade parities plus the 64-bit verification tag.</param>
/// <param name="Efficiency">f = Cascade parities / (n h(QBER)) (NaN when QBER is 0).</param>
/// <param name="RoundTrips">Cascade question-answer exchanges (plus estimation, verification and amplification messages).</param>
/// <param name="SecretBits">Final key length l [bits].</param>
/// <param name="EpsilonCorrectness">eps_cor of the verification hash.</param>
/// <param name="SimulatedSeconds">Logical time at which the block finished under the simulated latency [s].</param>
public sealed record BlockReport(
    int Index, BlockOutcome Outcome, int InputBits, int SampleBits, double QberEstimate, int ReconciledBits,
    long CorrectedErrors, double Qber, long CascadeParityBits, long LeakedBits, double Efficiency, int RoundTrips,
    int SecretBits, double EpsilonCorrectness, double SimulatedSeconds);
