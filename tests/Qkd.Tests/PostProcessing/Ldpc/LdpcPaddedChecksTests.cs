using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

public class LdpcPaddedChecksTests
{
    [Theory]
    [InlineData(64, 32, 0.8, 0.03, 1UL, false)]
    [InlineData(100, 64, 0.85, 0.02, 2UL, true)]
    [InlineData(40, 96, 0.8, 0.025, 3UL, true)]
    [InlineData(40, 480, 0.9, 0.012, 4UL, true)]
    [InlineData(40, 480, 0.9, 0.02, 5UL, false)]
    public void PaddedChecks_GiveTheReferencesIterationsDecisionsAndCounts(int columns, int z, double rate, double q, ulong seed, bool narrow)
    {
        // Stall tests every 2 iterations exercise the counts, the stopping test every iteration; Z = 32 .. 480 covers a
        // partial last block of 64 lanes and rows shorter than one block.
        var code = LdpcCode.Build(columns, z, rate, seed);
        var (_, syndrome, channel) = LdpcDecoderTests.Frame(code, q, seed);
        var results = new List<(int Result, int Iterations, byte[] Decided, int Unsatisfied)>();
        foreach (var padded in new[] { false, true })
        {
            var decoder = new LdpcDecoder(code) { NarrowLanes = narrow, UsePaddedChecks = padded };
            var decided = new byte[code.Length];
            decoder.Load(channel, syndrome);
            var result = decoder.Run(decided, 40, 1.0, stallWindow: 2, rule: LdpcCheckRule.BoxPlus);
            results.Add((result, decoder.LastIterations, decided, decoder.UnsatisfiedChecksOfLastRun(decided)));
            Assert.Equal(decoder.UnsatisfiedChecks(decided), decoder.UnsatisfiedChecksOfLastRun(decided));
        }
        Assert.Equal(results[0].Result, results[1].Result);
        Assert.Equal(results[0].Iterations, results[1].Iterations);
        Assert.Equal(results[0].Decided, results[1].Decided);
        Assert.Equal(results[0].Unsatisfied, results[1].Unsatisfied);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Wipe_AfterAFrameOnEitherLanes_LeavesNoBeliefsMessagesOrDecisions(bool narrow)
    {
        var code = LdpcCode.Build(40, 480, 0.9, 6);
        var (_, syndrome, channel) = LdpcDecoderTests.Frame(code, 0.02, 6);
        var decoder = new LdpcDecoder(code) { NarrowLanes = !narrow };
        decoder.Decode(channel, syndrome, new byte[code.Length], 5, 1.0, rule: LdpcCheckRule.BoxPlus);
        decoder.Wipe();
        decoder.NarrowLanes = narrow;
        decoder.Decode(channel, syndrome, new byte[code.Length], 5, 1.0, rule: LdpcCheckRule.BoxPlus);
        Assert.False(decoder.HoldsNoFrameState());

        decoder.Wipe();

        Assert.True(decoder.HoldsNoFrameState());
    }
}
