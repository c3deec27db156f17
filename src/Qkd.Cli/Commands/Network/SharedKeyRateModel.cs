using Qkd.KeyRate;
using Qkd.Network;
using Qkd.Physics;

namespace Qkd.Cli.Commands.Network;

/// <summary>
/// Wires the foundation's analytic key-rate models (<see cref="KeyRateModels"/>) into the network
/// simulator's seam: a fibre-described link runs at the secret key rate [bit/s] that
/// <see cref="KeyRateAnalysis.Analyse"/> gives at the source's configured signal intensity
/// (rate per pulse x repetition rate x detector dead-time factor). The formulas and their sources
/// live with the models in src/Qkd/KeyRate.
/// </summary>
public sealed class SharedKeyRateModel(IKeyRateModel model) : ILinkKeyRateModel
{
    /// <summary>The model used unless --key-rate-model says otherwise.</summary>
    public const string DefaultModel = "decoy-vacuum-weak";

    public IKeyRateModel Model { get; } = Guard.NotNull(model);

    public double SecretKeyRateBitsPerSecond(LinkDescription link)
        => Math.Max(0, KeyRateAnalysis.Analyse(Model, link, link.Source.SignalMeanPhotonNumber, includeMaxDistance: false).SecretKeyRateBps);
}
