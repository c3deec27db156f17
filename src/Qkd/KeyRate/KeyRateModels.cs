using System.Collections.Immutable;
using Qkd.KeyRate.Decoy;
using Qkd.KeyRate.FiniteKey;
using Qkd.KeyRate.NoDecoy;

namespace Qkd.KeyRate;

/// <summary>The registry of analytic key-rate models by command-line name.</summary>
public static class KeyRateModels
{
    /// <summary>The model names, in help order.</summary>
    public static ImmutableArray<string> Names { get; } =
        ["single-photon", "gllp", "gllp-finite", "decoy-infinite", "decoy-vacuum-weak", "decoy-vacuum-weak-finite", "decoy-one-finite", "seed-simple"];

    /// <summary>
    /// The model called <paramref name="name"/>; <paramref name="finiteKey"/> configures `decoy-one-finite`, `decoy-vacuum-weak-finite` and `gllp-finite`
    /// (defaults when null). Throws an <see cref="ArgumentException"/> naming the valid models otherwise.
    /// </summary>
    public static IKeyRateModel Get(string name, FiniteKeyParameters? finiteKey = null) => name switch
    {
        "single-photon" => new SinglePhotonModel(),
        "gllp" => new GllpModel(),
        "gllp-finite" => new GllpFiniteModel(finiteKey ?? FiniteKeyParameters.Default),
        "decoy-infinite" => new DecoyInfiniteModel(),
        "decoy-vacuum-weak" => new DecoyVacuumWeakModel(),
        "decoy-vacuum-weak-finite" => new DecoyVacuumWeakFiniteModel(finiteKey ?? FiniteKeyParameters.Default),
        "decoy-one-finite" => new DecoyOneFiniteModel(finiteKey ?? FiniteKeyParameters.Default),
        "seed-simple" => new SeedSimpleModel(),
        _ => throw new ArgumentException($"Model must be one of {string.Join(", ", Names)}, but was '{name}'.", nameof(name)),
    };
}
