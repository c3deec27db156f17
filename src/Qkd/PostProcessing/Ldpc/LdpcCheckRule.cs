namespace Qkd.PostProcessing.Ldpc;

/// <summary>How <see cref="LdpcDecoder"/> computes the message a check node sends to each of its edges.</summary>
public enum LdpcCheckRule
{
    /// <summary>
    /// Normalised min-sum: alpha times the smallest |t| of the other edges (Chen, Fossorier, "Near optimum
    /// universal belief propagation based decoding of low-density parity check codes", IEEE Trans. Commun. 50, 406
    /// (2002); Chen, Fossorier, IEEE Commun. Lett. 6, 208 (2002)).
    /// </summary>
    NormalisedMinSum,

    /// <summary>
    /// The sum-product check update in the log domain: edge e gets the box-plus of all other incoming messages,
    /// a [+] b = sign(a) sign(b) (min(|a|, |b|) + ln(1 + e^-|a+b|) - ln(1 + e^-|a-b|)) (Hagenauer, Offer, Papke,
    /// "Iterative decoding of binary block and convolutional codes", IEEE Trans. Inf. Theory 42, 429 (1996),
    /// Eq. (13)-(15)), computed forward-backward with 2 (d - 1) box-plus operations per check of degree d, the
    /// correction term ln(1 + e^-x) by a small piecewise-linear approximation as in Hu, Eleftheriou, Arnold,
    /// Dholakia, "Efficient implementations of the sum-product algorithm for decoding LDPC codes", IEEE
    /// GLOBECOM 2001 (there a lookup table); then scaled by alpha (1 by default).
    /// </summary>
    BoxPlus,
}
