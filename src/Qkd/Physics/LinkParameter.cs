using System.Collections.Immutable;

namespace Qkd.Physics;

/// <summary>
/// Named single-field overrides of a <see cref="LinkDescription"/>, the names the command line uses for flags
/// (`--alpha-db-per-km 0.2`) and for sweeps (`--vary detector-efficiency=0.1,0.2`).
/// </summary>
public static class LinkParameter
{
    /// <summary>The parameter names, each also a command-line flag.</summary>
    public static ImmutableArray<string> Names { get; } =
    [
        "distance-km", "alpha-db-per-km", "extra-loss-db", "detector-efficiency", "dark-count-per-pulse", "misalignment",
        "dead-time-s", "noise-count-per-pulse", "ec-efficiency", "repetition-rate-hz", "decoy-mu", "mu",
    ];

    /// <summary>The unit of a parameter, for axis labels and legends ("" when dimensionless).</summary>
    public static string Unit(string name) => name switch
    {
        "distance-km" => "km",
        "alpha-db-per-km" => "dB/km",
        "extra-loss-db" => "dB",
        "dead-time-s" => "s",
        "repetition-rate-hz" => "Hz",
        "decoy-mu" or "mu" => "photons/pulse",
        "dark-count-per-pulse" or "noise-count-per-pulse" => "per pulse",
        _ => "",
    };

    /// <summary>
    /// A copy of <paramref name="link"/> with parameter <paramref name="name"/> set to <paramref name="value"/>
    /// (validated by the link's records). `mu` sets the source's signal intensity; `decoy-mu` replaces the
    /// decoy intensities by that one (plus the vacuum when the source had one).
    /// Throws <see cref="ArgumentException"/> for an unknown name or an out-of-range value.
    /// </summary>
    public static LinkDescription Apply(LinkDescription link, string name, double value)
    {
        Guard.NotNull(link);
        var d = link.Detector;
        var s = link.Source;
        return name switch
        {
            "distance-km" => link.WithFiberLength(value),
            "alpha-db-per-km" => link.With(fiber: new Fiber(link.Fiber.LengthKm, value)),
            "extra-loss-db" => link.With(extraLossDb: value),
            "detector-efficiency" => link.WithDetector(new Detector(value, d.DarkCountProbability, d.Misalignment, d.DeadTimeSeconds, d.AfterpulseProbability)),
            "dark-count-per-pulse" => link.WithDetector(new Detector(d.Efficiency, value, d.Misalignment, d.DeadTimeSeconds, d.AfterpulseProbability)),
            "misalignment" => link.WithDetector(new Detector(d.Efficiency, d.DarkCountProbability, value, d.DeadTimeSeconds, d.AfterpulseProbability)),
            "dead-time-s" => link.WithDetector(new Detector(d.Efficiency, d.DarkCountProbability, d.Misalignment, value, d.AfterpulseProbability)),
            "noise-count-per-pulse" => link.With(noiseCountProbability: value),
            "ec-efficiency" => link.With(errorCorrectionEfficiency: value),
            "repetition-rate-hz" => link.WithSource(s.WithRepetitionRate(value)),
            "mu" => link.WithSource(new Source(s.Kind, value, DecoysBelow(s, value), s.RepetitionRateHz)),
            "decoy-mu" => link.WithSource(WithDecoy(s, value)),
            _ => throw new ArgumentException($"Link parameter must be one of {string.Join(", ", Names)}, but was '{name}'.", nameof(name)),
        };
    }

    private static Source WithDecoy(Source s, double nu)
    {
        Guard.InRange(nu, 1e-6, s.SignalMeanPhotonNumber * (1 - 1e-9), "photons/pulse", "Decoy mean photon number nu (below the signal mu)");
        var hasVacuum = s.DecoyMeanPhotonNumbers.Contains(0.0);
        return s.WithDecoys(hasVacuum ? [nu, 0.0] : [nu]);
    }

    private static ImmutableArray<double> DecoysBelow(Source s, double mu)
    {
        // Decoys must stay below the signal; keep those that do (the optimiser and models bound mu by the decoy anyway).
        var b = ImmutableArray.CreateBuilder<double>();
        foreach (var d in s.DecoyMeanPhotonNumbers)
        {
            if (d <= mu)
            {
                b.Add(d);
            }
        }
        return b.ToImmutable();
    }
}
