using FsCheck.Xunit;
using Qkd.KeyManagement;

namespace Qkd.Tests.KeyManagement;

public class OneTimePadTests
{
    [Property(MaxTest = 200, Replay = "(123456789,987654321)")]
    public bool Xor_TwiceWithTheSamePad_ReturnsTheKey(byte[] key)
    {
        var pad = new byte[key.Length];
        new Random(key.Length).NextBytes(pad);
        var cipher = new byte[key.Length];
        OneTimePad.Xor(key, pad, cipher);
        var back = new byte[key.Length];
        OneTimePad.Xor(cipher, pad, back);
        return back.AsSpan().SequenceEqual(key);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    public void Xor_MatchesBytewiseDefinition(int length)
    {
        var key = Enumerable.Range(0, length).Select(i => (byte)(i * 37)).ToArray();
        var pad = Enumerable.Range(0, length).Select(i => (byte)(255 - i)).ToArray();
        var c = new byte[length];
        OneTimePad.Xor(key, pad, c);
        Assert.Equal(key.Zip(pad, (a, b) => (byte)(a ^ b)), c);
    }

    [Fact]
    public void Xor_PadOfOtherLength_Throws() => Assert.Throws<ArgumentException>(() => OneTimePad.Xor(new byte[4], new byte[3], new byte[4]));

    [Theory]
    [InlineData(256, 256, 1)]
    [InlineData(257, 256, 2)]
    [InlineData(512, 256, 2)]
    [InlineData(64, 256, 1)]
    public void UnitsPerKey_IsCeilingOfSizeOverUnit(int size, int unit, int expected) => Assert.Equal(expected, KeyUnits.UnitsPerKey(size, unit));

    [Fact]
    public void UnitsInBlock_DropsTheTail() => Assert.Equal(5, KeyUnits.UnitsInBlock(162, 256));
}
