using FsCheck;
using FsCheck.Xunit;
using Qkd.Bits;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class ToeplitzHashTests
{
    private static (BitString Seed, BitString Input) Inputs(int n, int m, ulong seed)
    {
        var random = new SimRandom(seed);
        var input = BitString.Random(n, ref random);
        var s = BitString.Random(ToeplitzHash.SeedBits(n, m), ref random);
        return (s, input);
    }

    [Property(MaxTest = 60)]
    public bool Fast_EqualsNaive_BitForBit(PositiveInt n, PositiveInt m, ulong seed)
    {
        var inputBits = n.Get % 2500 + 1;
        var outputBits = m.Get % inputBits + 1;
        var (s, x) = Inputs(inputBits, outputBits, seed);
        var naive = ToeplitzHash.HashNaive(s, x, outputBits);
        return naive.Equals(ToeplitzHash.Hash(s, x, outputBits)) && naive.Equals(ToeplitzHash.Hash(s, x, outputBits, useHardware: false));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(63, 63)]
    [InlineData(64, 64)]
    [InlineData(65, 1)]
    [InlineData(4097, 2049)]
    [InlineData(6000, 1100)]
    [InlineData(3000, 2999)]
    public void Fast_EqualsNaive_AtAwkwardSizes(int n, int m)
    {
        var (s, x) = Inputs(n, m, (ulong)(n * 31 + m));
        Assert.Equal(ToeplitzHash.HashNaive(s, x, m), ToeplitzHash.Hash(s, x, m));
        Assert.Equal(ToeplitzHash.HashNaive(s, x, m), ToeplitzHash.Hash(s, x, m, useHardware: false));
    }

    [Fact]
    public void Fast_EqualsNaive_OnOneLargeBlock()
    {
        // 40,000 bits to 25,000: several Karatsuba levels and two column blocks (n > m).
        var (s, x) = Inputs(40_000, 25_000, 77);
        var fast = ToeplitzHash.Hash(s, x, 25_000);
        var naive = ToeplitzHash.HashNaive(s, x, 25_000);
        Assert.Equal(naive, fast);
    }

    [Property(MaxTest = 40)]
    public bool Hash_IsLinear(PositiveInt n, ulong seed)
    {
        var inputBits = n.Get % 3000 + 2;
        var outputBits = inputBits / 2;
        var random = new SimRandom(seed);
        var s = BitString.Random(ToeplitzHash.SeedBits(inputBits, outputBits), ref random);
        var x = BitString.Random(inputBits, ref random);
        var y = BitString.Random(inputBits, ref random);
        var xy = new BitString(inputBits);
        var words = new ulong[x.Words.Length];
        BitString.Xor(x.Words, y.Words, words);
        xy = BitString.FromWords(words, inputBits);
        var hx = ToeplitzHash.Hash(s, x, outputBits);
        var hy = ToeplitzHash.Hash(s, y, outputBits);
        var sum = new ulong[hx.Words.Length];
        BitString.Xor(hx.Words, hy.Words, sum);
        return ToeplitzHash.Hash(s, xy, outputBits).Equals(BitString.FromWords(sum, outputBits));
    }

    [Fact]
    public void WrongSeedLength_IsRejected()
    {
        var random = new SimRandom(1);
        var x = BitString.Random(100, ref random);
        Assert.Throws<ArgumentException>(() => ToeplitzHash.Hash(new BitString(100), x, 50));
    }
}
