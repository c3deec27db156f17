namespace Qkd.KeyRate;

/// <summary>Accurate elementary functions near zero, where the naive forms lose digits.</summary>
public static class Numerics
{
    /// <summary>exp(x) - 1, accurate for small |x| (Taylor series below 1e-4, else direct).</summary>
    public static double ExpM1(double x)
    {
        if (Math.Abs(x) < 1e-4)
        {
            return x * (1 + x * (0.5 + x * (1.0 / 6 + x / 24)));
        }
        return Math.Exp(x) - 1;
    }

    /// <summary>ln(1 + x), accurate for small |x| (series below 1e-4, else direct).</summary>
    public static double Log1P(double x)
    {
        if (Math.Abs(x) < 1e-4)
        {
            return x * (1 - x * (0.5 - x * (1.0 / 3 - x / 4)));
        }
        return Math.Log(1 + x);
    }
}
