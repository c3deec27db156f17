using Qkd.Physics;

namespace Qkd.KeyRate;

/// <summary>
/// One analytic secret-key-rate model of a prepare-and-measure BB84 link. Every model reads the same
/// <see cref="LinkDescription"/>; the registry <see cref="KeyRateModels"/> names them.
/// </summary>
/// <remarks>
/// Implementations are stateless apart from their construction parameters and allocation-free in
/// <see cref="Evaluate"/>, so that mu optimisation and distance sweeps stay fast (bench/Qkd.Benchmarks/KeyRate).
/// </remarks>
public interface IKeyRateModel
{
    /// <summary>The model name used on the command line (`single-photon`, `gllp`, ...).</summary>
    string Name { get; }

    /// <summary>One line: what the model is and its source.</summary>
    string Summary { get; }

    /// <summary>
    /// Whether the signal mean photon number is a free parameter to optimise (false for the
    /// single-photon source and for the seed papers' simple model, which uses the given mu).
    /// </summary>
    bool OptimisesMu { get; }

    /// <summary>The interval [min, max] of signal intensities (photons/pulse) searched by the optimiser for this link.</summary>
    (double Min, double Max) MuSearchRange(LinkDescription link);

    /// <summary>
    /// Expected gain, QBER and key rate per pulse of the link at signal intensity <paramref name="mu"/>.
    /// The raw key rate may be negative (no key); it stays a smooth function of mu and distance so
    /// that optimisers and root finders work on it.
    /// </summary>
    KeyRatePoint Evaluate(LinkDescription link, double mu);
}
