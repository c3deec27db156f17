using FsCheck;
using FsCheck.Xunit;
using Qkd.Bits;

namespace Qkd.Tests.Bits;

public class BitStringTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1000)]
    public void RangeParity_AgreesWithBitByBit(int length)
    {
        var random = new SimRandom((ulong)length + 7);
        var s = BitString.Random(length, ref random);
        for (var start = 0; start <= length; start += Math.Max(1, length / 13))
        {
            for (var count = 0; start + count <= length; count += Math.Max(1, length / 7))
            {
                var expected = 0;
                for (var i = start; i < start + count; i++)
                {
                    expected ^= s[i] ? 1 : 0;
                }
                Assert.Equal(expected, s.Parity(start, count));
            }
        }
    }

    [Property(MaxTest = 200)]
    public bool Slice_ThenBitsMatchSource(PositiveInt len, NonNegativeInt off, ulong seed)
    {
        var length = len.Get % 500 + 1;
        var random = new SimRandom(seed);
        var s = BitString.Random(length, ref random);
        var start = off.Get % length;
        var count = length - start;
        var slice = s.Slice(start, count);
        for (var i = 0; i < count; i++)
        {
            if (slice[i] != s[start + i])
            {
                return false;
            }
        }
        return slice.PopCount() <= count;
    }

    [Property(MaxTest = 100)]
    public bool Bytes_RoundTrip(PositiveInt len, ulong seed)
    {
        var length = len.Get % 700;
        var random = new SimRandom(seed);
        var s = BitString.Random(length, ref random);
        return BitString.FromBytes(s.ToBytes(), length).Equals(s);
    }

    [Fact]
    public void HammingDistance_CountsFlippedBits()
    {
        var random = new SimRandom(3);
        var a = BitString.Random(1001, ref random);
        var b = a.Clone();
        b.Flip(0);
        b.Flip(500);
        b.Flip(1000);
        Assert.Equal(3, a.HammingDistance(b));
        Assert.False(a.Equals(b));
    }

    [Fact]
    public void ToString_NeverShowsBits()
    {
        var random = new SimRandom(1);
        Assert.Equal("BitString(128 bits)", BitString.Random(128, ref random).ToString());
    }
}
