using FsCheck.Xunit;
using Qkd.Bits;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

/// <summary>The vectorised least-reliable selection against its scalar reference (the histogram).</summary>
public class LdpcReliabilityTests
{
    private static (short[] Beliefs, byte[] Excluded) Beliefs(int n, ulong seed, int spread, double excludedFraction)
    {
        var random = SimRandom.ForStream(seed, (ulong)n);
        var beliefs = new short[n];
        var excluded = new byte[n];
        for (var i = 0; i < n; i++)
        {
            // Small spreads give many ties; some beliefs sit at +-max (pinned bits).
            beliefs[i] = random.NextDouble() < 0.02
                ? (random.NextBit() ? LdpcDecoder.MaxMagnitude : (short)-LdpcDecoder.MaxMagnitude)
                : (short)((long)random.NextBelow((ulong)(2 * spread + 1)) - spread);
            excluded[i] = random.NextDouble() < excludedFraction ? (byte)1 : (byte)0;
        }
        return (beliefs, excluded);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(63, 5)]
    [InlineData(64, 64)]
    [InlineData(65, 70)]
    [InlineData(111_360, 160)]
    [InlineData(111_360, 5_000)]
    public void LeastReliable_EqualsScalarReference_PositionForPosition(int n, int count)
    {
        foreach (var spread in new[] { 3, 200, LdpcDecoder.MaxMagnitude })
        {
            var (beliefs, excluded) = Beliefs(n, 7, spread, 0.1);
            var expected = new int[count];
            var actual = new int[count];
            var expectedFound = LdpcReliability.LeastReliableReference(beliefs, excluded, expected);
            var actualFound = LdpcReliability.LeastReliable(beliefs, excluded, actual);
            Assert.Equal(expectedFound, actualFound);
            Assert.Equal(expected, actual);
        }
    }

    [Property(MaxTest = 40)]
    public void LeastReliable_RandomLengthsCountsAndTies_EqualsScalarReference(ulong seed)
    {
        var random = new SimRandom(seed);
        var n = (int)random.NextBelow(3_000);
        var count = 1 + (int)random.NextBelow((ulong)n + 10);
        var (beliefs, excluded) = Beliefs(n, seed, 1 + (int)random.NextBelow(500), random.NextDouble());
        var expected = new int[count];
        var actual = new int[count];
        Assert.Equal(LdpcReliability.LeastReliableReference(beliefs, excluded, expected), LdpcReliability.LeastReliable(beliefs, excluded, actual));
        Assert.Equal(expected, actual);
    }
}
