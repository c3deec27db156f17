using Qkd.Bb84.Sifting;
using Qkd.KeyRate;
using Qkd.Physics;
using Qkd.PostProcessing;
using Qkd.Bb84.Link;
using Qkd.Bb84.Estimation;
using Qkd.KeyRate.FiniteKey;
using Qkd.KeyRate.Analysis;

namespace Qkd.Tests.Distillation;

/// <summary>
/// The chain's per-block finite-key computation (the block's public statistics -> <see cref="SecurityEstimator"/> ->
/// the bound the post-processing applies) and the analytic finite-key model are the same bound: fed the model's own
/// expected counts, the chain gives the model's key length, term by term, to rounding of the counts to integers.
/// </summary>
public class ChainModelAgreementTests
{
    private const double EpsilonSecrecy = 1e-10;

    /// <summary>The public statistics a block with exactly the model's expected counts would show.</summary>
    private static SiftingStatistics Statistics(double pulses, double[] probability, double[] gain, double[] siftedZ, double[] qberZ,
        double[] siftedX, double[] errorsX, double sampleFraction)
    {
        var k = probability.Length;
        var p = new long[k];
        var d = new long[k];
        var sifted = new long[2 * k];
        var disclosed = new long[2 * k];
        var errors = new long[2 * k];
        long keyBits = 0;
        for (var i = 0; i < k; i++)
        {
            p[i] = (long)Math.Round(pulses * probability[i]);
            d[i] = (long)Math.Round(pulses * probability[i] * gain[i]);
            sifted[2 * i] = (long)Math.Round(siftedZ[i]);
            disclosed[2 * i] = (long)Math.Round(siftedZ[i] * sampleFraction);
            errors[2 * i] = (long)Math.Round(disclosed[2 * i] * qberZ[i]);
            sifted[2 * i + 1] = (long)Math.Round(siftedX[i]);
            disclosed[2 * i + 1] = sifted[2 * i + 1];
            errors[2 * i + 1] = (long)Math.Round(errorsX[i]);
            keyBits += sifted[2 * i] - disclosed[2 * i];
        }
        return new SiftingStatistics([.. p], [.. d], [.. sifted], [.. disclosed], [.. errors], keyBits);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(45)]
    [InlineData(60)]
    [InlineData(300)]
    public void OneDecoy_ModelExpectedCountsThroughChainEstimator_GiveTheModelLength(double blockSeconds)
    {
        var link = LinkPresets.Turin();
        var mu = link.Source.SignalMeanPhotonNumber;
        var probe = new DecoyOneFiniteModel(FiniteKeyParameters.Default);
        var effectivePulsesPerSecond = link.Source.RepetitionRateHz * KeyRateAnalysis.DeadTimeFactor(link, probe.Evaluate(link, mu).Gain);
        var settings0 = SimulationSettings.FromLink(link, ProtocolKind.ThreeState, 1, 1);
        var fs = settings0.SampleFraction;
        var p1 = settings0.Intensities[0].Probability;
        var pZ = link.KeyBasisProbability * link.KeyBasisProbability;
        var nZAll = blockSeconds * effectivePulsesPerSecond * probe.Evaluate(link, mu).Gain * pZ;
        var keptBits = (1 - fs) * nZAll;
        var epsCor = ErrorVerification.EpsilonCorrectness((int)keptBits);
        var model = new DecoyOneFiniteModel(new FiniteKeyParameters(nZAll, EpsilonSecrecy, epsCor, p1, fs));
        var b = model.Expected(link, mu)!.Value;
        var modelLength = model.Evaluate(link, mu).RawKeyRatePerPulse * b.Pulses;

        // The block as the chain sees it: sifted Z of every intensity (sample included), the sample's errors, X in full.
        var qZ1 = b.MZ1 / b.NZ1;
        var qZ2 = b.MZ2 / b.NZ2;
        var stats = Statistics(b.Pulses, [p1, 1 - p1], [b.NZ1 / ((1 - fs) * b.Pulses * p1 * pZ), b.NZ2 / ((1 - fs) * b.Pulses * (1 - p1) * pZ)],
            [b.NZ1 / (1 - fs), b.NZ2 / (1 - fs)], [qZ1, qZ2], [b.NX1, b.NX2], [b.MX1, b.MX2], fs);
        var settings = SimulationSettings.FromLink(link, ProtocolKind.ThreeState, (long)Math.Round(b.Pulses), 1);
        var chainCounts = SecurityEstimator.Estimate(settings, stats).OneDecoyCounts!;

        // Term by term: the counts the bound sees, then every intermediate bound, then the length.
        Assert.Equal(b.NZ1 + b.NZ2, chainCounts.DetectionsZ, 1e-4 * chainCounts.DetectionsZ);
        var leak = link.ErrorCorrectionEfficiency * chainCounts.DetectionsZ * Entropy.Binary(chainCounts.ErrorsZ / chainCounts.DetectionsZ);
        // The sample's error count is an integer (tens of errors at 20 s), scaled up to the kept bits: a percent or two.
        Assert.Equal(b.LeakedBitsEc, leak, 0.02 * leak);
        var chain = OneDecoyFiniteKey.SecretKeyLength(chainCounts, leak, EpsilonSecrecy, epsCor);
        var expected = OneDecoyFiniteKey.SecretKeyLength(b.Counts, b.LeakedBitsEc, EpsilonSecrecy, epsCor);
        Assert.Equal(expected.VacuumZLower, chain.VacuumZLower, 1e-2 * Math.Max(1, expected.VacuumZLower));
        Assert.Equal(expected.SingleZLower, chain.SingleZLower, 5e-3 * expected.SingleZLower);
        Assert.Equal(expected.SingleXLower, chain.SingleXLower, 5e-3 * expected.SingleXLower);
        Assert.Equal(expected.PhaseErrorUpper, chain.PhaseErrorUpper, 2e-3 * expected.PhaseErrorUpper);
        Assert.Equal(modelLength, expected.RawBound, 1e-6 * Math.Abs(modelLength) + 1e-6);
        // Rounding counts to integers moves l by a few bits per count through the decoy multipliers.
        Assert.Equal(modelLength + b.LeakedBitsEc, chain.RawBound + leak, 0.005 * (modelLength + b.LeakedBitsEc) + 50);
    }
}
