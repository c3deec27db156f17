using Qkd.KeyRate.NoDecoy;
using Qkd.Physics;

namespace Qkd.KeyRate.FiniteKey;

/// <summary>
/// `gllp-finite`: weak coherent pulses without decoys, finite key: the GLLP worst case with a block's finite-size
/// deviations (<see cref="GllpFiniteKey"/>) on the counts one block of <see cref="FiniteKeyParameters.BlockBits"/>
/// basis-matched detections is expected to have.
/// </summary>
/// <remarks>
/// Q_mu and E_mu as in <see cref="GllpModel"/> (Ma et al. PRA 72, 012326 (2005), Eq. (9)); the block's pulses
/// N = n / (Q_mu s) with s the sifting factor and n the block; a fraction f_s of the n bits is disclosed to estimate
/// the error rate (<see cref="FiniteKeyParameters.KeySampleFraction"/>; 0.1 when 0, since this bound needs a
/// sample), k = f_s n with k E_mu errors, and the n - k kept bits give
/// l = (n - k) f_1^L (1 - h(e_1^U)) - (n - k) f h(E_mu) - log2(2 / (eps_sec^2 eps_cor))
/// (GLLP's formula, Gottesman, Lo, Lütkenhaus, Preskill, QIC 4, 325 (2004), with the composable overhead of
/// Tomamichel et al., Nat. Commun. 3, 634 (2012), Eq. (2)); the rate per pulse is l / N.
/// </remarks>
public sealed class GllpFiniteModel(FiniteKeyParameters parameters) : IKeyRateModel
{
    /// <summary>The sample fraction used when the parameters say 0 (the published decoy protocols' value).</summary>
    public const double DefaultSampleFraction = 0.1;

    /// <summary>The finite-key parameters.</summary>
    public FiniteKeyParameters Parameters { get; } = Guard.NotNull(parameters);

    public string Name => "gllp-finite";

    public string Summary => "weak coherent pulses, no decoy, finite key (GLLP 2004 worst case with Hoeffding and sampling deviations)";

    public bool OptimisesMu => true;

    public (double Min, double Max) MuSearchRange(LinkDescription link) => new GllpModel().MuSearchRange(link);

    public KeyRatePoint Evaluate(LinkDescription link, double mu)
    {
        Guard.NotNull(link);
        var (q, e) = ChannelStatistics.WeakCoherentSignal(link, mu);
        if (!(q > 0))
        {
            return new KeyRatePoint(mu, q, e, 0);
        }
        var sifted = Parameters.BlockBits;
        var pulses = sifted / (q * link.SiftingFactor);
        var sampleFraction = Parameters.KeySampleFraction > 0 ? Parameters.KeySampleFraction : DefaultSampleFraction;
        var sample = sifted * sampleFraction;
        var keyBits = sifted - sample;
        var (fraction, phase) = GllpFiniteKey.Bound(pulses, mu, pulses * q, keyBits, sample, sample * e, Parameters.EpsilonSecrecy);
        var length = keyBits * fraction * (1 - Entropy.Binary(phase)) - keyBits * link.ErrorCorrectionEfficiency * Entropy.Binary(e)
            - Math.Log2(2 / (Parameters.EpsilonSecrecy * Parameters.EpsilonSecrecy * Parameters.EpsilonCorrectness));
        return new KeyRatePoint(mu, q, e, length / pulses);
    }
}
