using FsCheck.Xunit;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Sealing;

/// <summary>The vectorised pad XOR agrees with the scalar reference.</summary>
public sealed class PadXorTests
{
    private static bool Agrees(int length, ulong seed)
    {
        var a = TestKeys.Bytes(seed, length);
        var b = TestKeys.Bytes(seed + 1, length + 3);
        var fast = new byte[length];
        var slow = new byte[length];
        PadXor.Xor(a, b, fast);
        PadXor.XorScalar(a, b, slow);
        return fast.AsSpan().SequenceEqual(slow);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1056)]
    public void Xor_MatchesScalar_AtAwkwardLengths(int length) => Assert.True(Agrees(length, 77));

    [Property(MaxTest = 100, Replay = "(5,7)")]
    public bool Xor_MatchesScalar_AtRandomLengths(ushort length, ulong seed) => Agrees(length % 3000, seed);
}
