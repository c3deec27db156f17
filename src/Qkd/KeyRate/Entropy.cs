namespace Qkd.KeyRate;

/// <summary>Information-theoretic helpers.</summary>
public static class Entropy
{
    /// <summary>Binary Shannon entropy h(x) = -x log2 x - (1-x) log2 (1-x) [bits], with h(0) = h(1) = 0.</summary>
    /// <remarks>Source: Shannon (1948); as H2 in Lo, Ma, Chen, PRL 94, 230504 (2005), Eq. (1). Valid for x in [0, 1].</remarks>
    public static double Binary(double x)
    {
        if (x <= 0 || x >= 1)
        {
            return 0;
        }
        return -x * Math.Log2(x) - (1 - x) * Math.Log2(1 - x);
    }
}
