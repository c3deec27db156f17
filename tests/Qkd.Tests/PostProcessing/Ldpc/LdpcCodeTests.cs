using FsCheck.Xunit;
using Qkd.Bits;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

public class LdpcCodeTests
{
    private static byte[] RandomBits(int n, ulong seed)
    {
        var random = new SimRandom(seed);
        var bits = new byte[n];
        for (var i = 0; i < n; i++)
        {
            bits[i] = random.NextBit() ? (byte)1 : (byte)0;
        }
        return bits;
    }

    [Fact]
    public void Build_SameArguments_GivesTheSameCode()
    {
        var a = LdpcCode.Build(64, 32, 0.8, 7);
        var b = LdpcCode.Build(64, 32, 0.8, 7);
        var c = LdpcCode.Build(64, 32, 0.8, 8);
        var x = RandomBits(a.Length, 1);
        var sa = new byte[a.Checks];
        var sb = new byte[b.Checks];
        var sc = new byte[c.Checks];
        a.Syndrome(x, sa);
        b.Syndrome(x, sb);
        c.Syndrome(x, sc);
        Assert.Equal(sa, sb);
        Assert.Equal(a.PuncturingOrder.ToArray(), b.PuncturingOrder.ToArray());
        Assert.NotEqual(sa, sc);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.7)]
    [InlineData(0.9)]
    public void Build_HasDesignRate_AndDegreesOfTheProfile(double rate)
    {
        var code = LdpcCode.Build(200, 64, rate, 3);
        Assert.InRange(1 - (double)code.Checks / code.Length, rate - 0.01, rate + 0.01);
        var degrees = LdpcDegreeProfile.ForRate(rate).Degrees.Select(d => Math.Min(d, code.BaseRows)).ToArray();
        for (var v = 0; v < code.Length; v += 97)
        {
            Assert.Contains(code.VariableDegree(v), degrees);
            Assert.Equal(code.VariableDegree(v), code.ChecksOf(v).Distinct().Count());
        }
    }

    [Property(MaxTest = 30)]
    public void Syndrome_IsLinear(ulong seed)
    {
        var code = LdpcCode.Build(48, 32, 0.75, 11);
        var x = RandomBits(code.Length, seed);
        var y = RandomBits(code.Length, seed ^ 0xABCDEF);
        var xy = new byte[code.Length];
        for (var i = 0; i < xy.Length; i++)
        {
            xy[i] = (byte)(x[i] ^ y[i]);
        }
        var sx = new byte[code.Checks];
        var sy = new byte[code.Checks];
        var sxy = new byte[code.Checks];
        code.Syndrome(x, sx);
        code.Syndrome(y, sy);
        code.Syndrome(xy, sxy);
        for (var i = 0; i < sxy.Length; i++)
        {
            Assert.Equal(sx[i] ^ sy[i], sxy[i]);
        }
    }

    [Theory]
    [InlineData(40, 64, 0.6)]
    [InlineData(60, 96, 0.8)]
    [InlineData(50, 160, 0.5)]
    [InlineData(232, 480, 0.92)]
    public void Syndrome_PaddedVectorPath_EqualsReference(int columns, int z, double rate)
    {
        // Z = 96, 160 and 480 end each row with a 32-lane block; 64 has none.
        var code = LdpcCode.Build(columns, z, rate, 3);
        var x = RandomBits(code.Length, (ulong)z);
        var fast = new byte[code.Checks];
        var reference = new byte[code.Checks];
        code.Syndrome(x, fast);
        code.SyndromeReference(x, reference);
        Assert.Equal(reference, fast);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(200)]
    [InlineData(31_201)]
    public void PackThenUnpack_ReturnsTheBits_AndPacksLeastSignificantFirst(int length)
    {
        var bits = RandomBits(length, (ulong)length);
        var packed = new byte[(length + 7) / 8];
        LdpcAlice.Pack(bits, packed);
        for (var i = 0; i < length; i++)
        {
            Assert.Equal(bits[i], (packed[i >> 3] >> (i & 7)) & 1);
        }
        var back = new byte[length];
        LdpcAlice.Unpack(packed, back);
        Assert.Equal(bits, back);
    }

    [Fact]
    public void Syndrome_OfOneBit_IsItsColumn()
    {
        var code = LdpcCode.Build(48, 32, 0.75, 11);
        foreach (var v in new[] { 0, 31, 32, 700, code.Length - 1 })
        {
            var x = new byte[code.Length];
            x[v] = 1;
            var s = new byte[code.Checks];
            code.Syndrome(x, s);
            var expected = code.ChecksOf(v).Order().ToArray();
            Assert.Equal(expected, Enumerable.Range(0, s.Length).Where(i => s[i] == 1).ToArray());
        }
    }

    [Fact]
    public void PuncturingOrder_IsUntainted_NoCheckSeesTwoPuncturedBits()
    {
        var code = LdpcCode.Build(120, 64, 0.8, 5);
        var seen = new bool[code.Checks];
        Assert.True(code.PuncturingOrder.Length > code.Length / 50);
        foreach (var v in code.PuncturingOrder)
        {
            foreach (var c in code.ChecksOf(v))
            {
                Assert.False(seen[c], $"check {c} has two punctured neighbours");
                seen[c] = true;
            }
        }
    }

    [Fact]
    public void Build_HasNoFourCycles()
    {
        var code = LdpcCode.Build(96, 64, 0.7, 9);
        var pairs = new HashSet<(int, int)>();
        for (var v = 0; v < code.Length; v++)
        {
            var checks = code.ChecksOf(v).Order().ToArray();
            for (var i = 0; i < checks.Length; i++)
            {
                for (var j = i + 1; j < checks.Length; j++)
                {
                    Assert.True(pairs.Add((checks[i], checks[j])), $"variable {v} closes a 4-cycle");
                }
            }
        }
    }
}
