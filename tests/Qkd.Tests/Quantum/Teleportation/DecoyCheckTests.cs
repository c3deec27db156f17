using Qkd.Quantum;

namespace Qkd.Tests.Quantum;

public class DecoyCheckTests
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(4, 1.0)]
    [InlineData(10, 1.0)]
    [InlineData(10, 0.3)]
    public void Simulate_UndetectedProbability_MatchesClosedFormWithinFiveSigma(int decoys, double fraction)
    {
        var r = DecoyCheck.Simulate(decoys, trials: 20000, seed: 1000 + (ulong)decoys, interceptFraction: fraction);
        Assert.Equal(Math.Pow(1 - fraction / 4, decoys), r.UndetectedProbabilityExact, 12);
        Assert.InRange(r.UndetectedProbability, r.UndetectedProbabilityExact - 5 * r.StandardError, r.UndetectedProbabilityExact + 5 * r.StandardError);
    }

    [Fact]
    public void ClosedForm_AtFullIntercept_EqualsSeedsZeroPointSevenFiveToTheN_ButNotItsDetectionStatement()
    {
        // Lv, Cheng, Song (IEEE Network 2022) write 0.75^N for Eve going unnoticed; their "found with 1 - 0.25^S" is not its complement.
        var r = DecoyCheck.Simulate(5, trials: 10, seed: 3);
        Assert.Equal(Math.Pow(0.75, 5), r.SeedUndetectedStatement, 12);
        Assert.Equal(r.SeedUndetectedStatement, r.UndetectedProbabilityExact, 12);
        Assert.NotEqual(r.DetectionProbabilityExact, r.SeedDetectionStatement, 3);
        Assert.Equal(1 - Math.Pow(0.75, 5), r.DetectionProbabilityExact, 12);
    }

    [Fact]
    public void NoEavesdropper_IsNeverDetected()
    {
        var r = DecoyCheck.Simulate(50, trials: 500, seed: 4, interceptFraction: 0);
        Assert.Equal(500, r.UndetectedTrials);
        Assert.Equal(1, r.UndetectedProbabilityExact);
    }

    [Fact]
    public void UndetectedProbability_FallsWithMoreDecoys()
        => Assert.True(DecoyCheck.UndetectedProbabilityExact(20) < DecoyCheck.UndetectedProbabilityExact(10));
}
