namespace Qkd.Quantum;

/// <summary>Outcome of the decoy-photon eavesdropping check against intercept-resend.</summary>
/// <param name="Decoys">Number of decoy photons N checked per transmission.</param>
/// <param name="MessageParticles">Number of message particles the decoys were mixed into.</param>
/// <param name="InterceptFraction">Fraction f of particles Eve intercepts.</param>
/// <param name="Trials">Number of simulated transmissions.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="UndetectedTrials">Transmissions in which no decoy showed an error.</param>
/// <param name="UndetectedProbability">Measured fraction of transmissions in which Eve went unnoticed.</param>
/// <param name="UndetectedProbabilityExact">Closed form (1 - f/4)^N.</param>
/// <param name="StandardError">Binomial standard error of the measured fraction, sqrt(P(1-P)/T) at the exact P.</param>
/// <param name="DetectionProbabilityExact">1 - (1 - f/4)^N.</param>
/// <param name="SeedUndetectedStatement">The seed's 0.75^N, equal to the closed form at f = 1.</param>
/// <param name="SeedDetectionStatement">The seed's "probability of Eve being found" 1 - 0.25^N, which is wrong (docs/quantum.md).</param>
public sealed record DecoyCheckResult(int Decoys, int MessageParticles, double InterceptFraction, int Trials, ulong Seed,
    int UndetectedTrials, double UndetectedProbability, double UndetectedProbabilityExact, double StandardError,
    double DetectionProbabilityExact, double SeedUndetectedStatement, double SeedDetectionStatement);
