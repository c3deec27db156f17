using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.Physics;

namespace Qkd.Network;

/// <summary>
/// Wires the foundation's analytic key-rate models (<see cref="KeyRateModels"/>) into the network
/// simulator's seam: a fibre-described link runs at the secret key rate [bit/s] that
/// <see cref="KeyRateAnalysis.Analyse"/> gives at the source's configured signal intensity
/// (rate per pulse x repetition rate x detector dead-time factor), floored at 0. The formulas and
/// their sources live with the models in src/Qkd/KeyRate.
/// </summary>
public sealed class AnalyticLinkKeyRateModel(IKeyRateModel model) : ILinkKeyRateModel
{
    /// <summary>The model the network commands use unless told otherwise.</summary>
    public const string DefaultModel = "decoy-vacuum-weak";

    /// <summary>The analytic model behind the rates.</summary>
    public IKeyRateModel Model { get; } = Guard.NotNull(model);

    /// <summary>The adapter for a model named as in <see cref="KeyRateModels"/> (e.g. <see cref="DefaultModel"/>).</summary>
    public static AnalyticLinkKeyRateModel Named(string modelName) => new(KeyRateModels.Get(modelName));

    public double SecretKeyRateBitsPerSecond(LinkDescription link)
        => Math.Max(0, KeyRateAnalysis.Analyse(Model, link, link.Source.SignalMeanPhotonNumber, includeMaxDistance: false).SecretKeyRateBps);
}
