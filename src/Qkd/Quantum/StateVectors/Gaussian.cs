using Qkd.Bits;

namespace Qkd.Quantum;

/// <summary>Standard normal variates from a simulation stream.</summary>
internal static class Gaussian
{
    /// <summary>
    /// Two independent N(0, 1) samples by the Box-Muller transform: r = sqrt(-2 ln U1),
    /// (r cos 2 pi U2, r sin 2 pi U2) with U1 in (0, 1], U2 in [0, 1). Box and Muller,
    /// Ann. Math. Stat. 29, 610 (1958).
    /// </summary>
    public static (double, double) NextPair(ref SimRandom random)
    {
        var r = Math.Sqrt(-2 * Math.Log(random.NextDoubleNonZero()));
        var (s, c) = Math.SinCos(2 * Math.PI * random.NextDouble());
        return (r * c, r * s);
    }
}
