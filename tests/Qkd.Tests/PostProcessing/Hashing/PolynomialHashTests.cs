using FsCheck.Xunit;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class PolynomialHashTests
{
    [Property(MaxTest = 300)]
    public bool CarrylessMultiply_HardwareEqualsPortable(ulong a, ulong b)
    {
        var lo = CarrylessMultiply.Multiply(a, b, out var hi);
        var plo = CarrylessMultiply.MultiplyPortable(a, b, out var phi);
        return lo == plo && hi == phi;
    }

    [Property(MaxTest = 200)]
    public bool Gf64_IsCommutativeAndDistributive(ulong a, ulong b, ulong c)
        => Gf64.Multiply(a, b) == Gf64.Multiply(b, a)
           && Gf64.Multiply(a, b ^ c) == (Gf64.Multiply(a, b) ^ Gf64.Multiply(a, c))
           && Gf64.Multiply(a, b) == Gf64.MultiplyPortable(a, b);

    [Fact]
    public void Gf64_ReducesXTo64_ByTheFieldPolynomial()
    {
        // x^63 * x = x^64 = x^4 + x^3 + x + 1 (0x1B); x^63 * x^63 = x^126 = x^62 * (x^4 + x^3 + x + 1) reduced.
        Assert.Equal(0x1BUL, Gf64.Multiply(1UL << 63, 2));
        Assert.Equal(1UL, Gf64.Multiply(1, 1));
        Assert.Equal(Gf64.Multiply(Gf64.Multiply(1UL << 62, 1UL << 32), 1UL << 32), Gf64.Multiply(1UL << 62, Gf64.Multiply(1UL << 32, 1UL << 32)));
    }

    [Fact]
    public void Hash_DependsOnLengthAndEveryByte()
    {
        var key = 0x9E3779B97F4A7C15UL;
        byte[] m = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var h = PolynomialHash.Compute(key, m);
        Assert.NotEqual(h, PolynomialHash.Compute(key, m.AsSpan(0, 8)));
        Assert.NotEqual(h, PolynomialHash.Compute(key, [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]));
        for (var i = 0; i < m.Length; i++)
        {
            var t = (byte[])m.Clone();
            t[i] ^= 0x10;
            Assert.NotEqual(h, PolynomialHash.Compute(key, t));
        }
    }

    [Fact]
    public void CollisionBound_IsWordsPlusOneOver2To64()
        => Assert.Equal(1564.0, ErrorVerification.EpsilonCorrectness(100_000) * Math.Pow(2, 64), 6);
}
