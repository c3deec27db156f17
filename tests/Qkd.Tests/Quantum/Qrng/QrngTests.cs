using FsCheck.Xunit;
using Qkd.Bits;
using Qkd.Quantum.Qrng;

namespace Qkd.Tests.Quantum;

public class QrngTests
{
    // The first 100 bits of the binary expansion of pi, SP 800-22 Rev. 1a worked examples (Secs. 2.1.8, 2.2.8, 2.3.8, 2.13.8).
    private const string Pi100 = "1100100100001111110110101010001000100001011010001100001000110100110001001100011001100010100010111000";

    private static BitString Bits(string s) => BitString.FromBools(s.Select(c => c == '1').ToArray());

    [Fact]
    public void Frequency_GoldenValues_FromSp800_22()
    {
        Assert.Equal(0.527089, RandomnessTests.Frequency(Bits("1011010101")).PValue, 6); // Sec. 2.1.4
        Assert.Equal(0.109599, RandomnessTests.Frequency(Bits(Pi100)).PValue, 6); // Sec. 2.1.8
    }

    [Fact]
    public void BlockFrequency_GoldenValues_FromSp800_22()
    {
        Assert.Equal(0.801252, RandomnessTests.BlockFrequency(Bits("0110011010"), 3).PValue, 6); // Sec. 2.2.4
        Assert.Equal(0.706438, RandomnessTests.BlockFrequency(Bits(Pi100), 10).PValue, 6); // Sec. 2.2.8
    }

    [Fact]
    public void Runs_GoldenValues_FromSp800_22()
    {
        Assert.Equal(0.147232, RandomnessTests.Runs(Bits("1001101011")).PValue, 6); // Sec. 2.3.4
        Assert.Equal(0.500798, RandomnessTests.Runs(Bits(Pi100)).PValue, 6); // Sec. 2.3.8
    }

    [Fact]
    public void CumulativeSums_GoldenValues_FromSp800_22()
    {
        Assert.Equal(0.4116588, RandomnessTests.CumulativeSums(Bits("1011010111")).PValue, 6); // Sec. 2.13.4
        Assert.Equal(0.219194, RandomnessTests.CumulativeSums(Bits(Pi100)).PValue, 6); // Sec. 2.13.8
    }

    [Fact]
    public void RepetitionCountCutoff_MatchesSp800_90BFormula()
    {
        // SP 800-90B Sec. 4.4.1: C = 1 + ceil(20 / H) for alpha = 2^-20.
        Assert.Equal(21, HealthTests.RepetitionCountCutoff(1));
        Assert.Equal(11, HealthTests.RepetitionCountCutoff(2));
        Assert.Equal(4, HealthTests.RepetitionCountCutoff(8));
    }

    [Theory]
    [InlineData(1.0, 1024)]
    [InlineData(0.5, 1024)]
    [InlineData(2.0, 512)]
    [InlineData(6.0, 512)]
    public void AdaptiveProportionCutoff_IsTheBinomialCriticalValue(double h, int window)
    {
        var c = HealthTests.AdaptiveProportionCutoff(h, window);
        var p = Math.Pow(2, -h);
        // P[X >= C] <= alpha < P[X >= C - 1] for X ~ Binomial(W, p), computed here by direct summation.
        Assert.True(UpperTail(window, p, c) <= HealthTests.Alpha);
        Assert.True(UpperTail(window, p, c - 1) > HealthTests.Alpha);
    }

    private static double UpperTail(int n, double p, int k)
    {
        var sum = 0.0;
        for (var j = k; j <= n; j++)
        {
            sum += Math.Exp(LogChoose(n, j) + j * Math.Log(p) + (n - j) * Math.Log(1 - p));
        }
        return sum;
    }

    private static double LogChoose(int n, int k)
    {
        var s = 0.0;
        for (var i = 1; i <= k; i++)
        {
            s += Math.Log(n - k + i) - Math.Log(i);
        }
        return s;
    }

    [Fact]
    public void HealthTests_PassOnWorkingSource()
    {
        var source = new VacuumHomodyneSource(new VacuumHomodyneModel(), seed: 1);
        var samples = new byte[200_000];
        source.ReadSamples(samples);
        var r = HealthTests.Run(samples, source.ClaimedMinEntropyPerSample, source.BitsPerSample);
        Assert.True(r.Passed, r.ToString());
    }

    [Fact]
    public void HealthTests_FailOnStuckSource_ByRepetitionCount()
    {
        var source = new VacuumHomodyneSource(new VacuumHomodyneModel(), seed: 1, SourceFault.Stuck);
        var samples = new byte[4096];
        source.ReadSamples(samples);
        var r = HealthTests.Run(samples, source.ClaimedMinEntropyPerSample, source.BitsPerSample);
        Assert.False(r.Passed);
        Assert.True(r.RepetitionCountFailures > 0);
    }

    [Fact]
    public void HealthTests_FailOnBiasedSource_ByAdaptiveProportion()
    {
        var source = new VacuumHomodyneSource(new VacuumHomodyneModel(), seed: 2, SourceFault.Biased);
        var samples = new byte[8192];
        source.ReadSamples(samples);
        var r = HealthTests.Run(samples, source.ClaimedMinEntropyPerSample, source.BitsPerSample);
        Assert.False(r.Passed);
        Assert.True(r.AdaptiveProportionFailures > 0);
    }

    [Fact]
    public void HealthTests_FailOnBiasedBinarySource_ClaimingFullEntropy()
    {
        var random = new SimRandom(77);
        var samples = new byte[64 * 1024];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (byte)(random.Bernoulli(0.62) ? 1 : 0);
        }
        Assert.False(HealthTests.Run(samples, 1.0, 1).Passed);
    }

    [Fact]
    public void MinEntropyModel_TenDbClearanceEightBitAdc_IsAboutSixBits()
    {
        // Inner bin: erf(Delta / (2 sqrt 2)) with Delta = 10 sqrt(1.1) / 256 = 0.04097 -> p = 0.016344, H = 5.935 bits.
        var h = new VacuumHomodyneModel().MinEntropyPerSample();
        Assert.Equal(-Math.Log2(0.016344), h, 3);
        Assert.True(new VacuumHomodyneModel(ClearanceDb: 20).MinEntropyPerSample() > 0);
    }

    [Fact]
    public void MostCommonValue_OfWorkingSource_IsCloseToTheModelBound()
    {
        var source = new VacuumHomodyneSource(new VacuumHomodyneModel(), seed: 3);
        var samples = new byte[200_000];
        source.ReadSamples(samples);
        // Total noise (sigma 1.049) spreads wider than the quantum part alone (sigma 1): the observed most common
        // value has p ~ 0.0156 (6.0 bits); the 99% upper bound of SP 800-90B lowers that by ~0.06 bits.
        Assert.InRange(MinEntropyEstimate.MostCommonValue(samples), source.ClaimedMinEntropyPerSample - 0.15, source.ClaimedMinEntropyPerSample + 0.2);
    }

    [Fact]
    public void MostCommonValue_OfConstantSamples_IsZero()
        => Assert.Equal(0, MinEntropyEstimate.MostCommonValue(new byte[1000]), 12);

    [Property(MaxTest = 40)]
    public bool Toeplitz_AgreesWithReferenceDefinition(ulong seed)
    {
        var random = new SimRandom(seed);
        var n = 1 + (int)random.NextBelow(200);
        var m = 1 + (int)random.NextBelow((ulong)n);
        var key = BitString.Random(n + m - 1, ref random);
        var x = BitString.Random(n, ref random);
        var extractor = new ToeplitzExtractor(n, m, key);
        var y = new ulong[BitString.WordCount(m)];
        extractor.Extract(x.Words, y);
        return BitString.FromWords(y, m).Equals(ToeplitzExtractor.ExtractReference(key, x, m));
    }

    [Property(MaxTest = 40)]
    public bool Toeplitz_IsLinear(ulong seed)
    {
        var random = new SimRandom(seed);
        const int n = 130, m = 65;
        var extractor = new ToeplitzExtractor(n, m, BitString.Random(n + m - 1, ref random));
        var a = BitString.Random(n, ref random);
        var b = BitString.Random(n, ref random);
        var sum = new ulong[a.Words.Length];
        BitString.Xor(a.Words, b.Words, sum);
        ulong[] ya = new ulong[2], yb = new ulong[2], ys = new ulong[2];
        extractor.Extract(a.Words, ya);
        extractor.Extract(b.Words, yb);
        extractor.Extract(sum, ys);
        return ((ya[0] ^ yb[0]) == ys[0]) && ((ya[1] ^ yb[1]) == ys[1]);
    }

    [Fact]
    public void Generate_FromWorkingSource_ReleasesBytesThatPassSp800_22()
    {
        var source = new VacuumHomodyneSource(new VacuumHomodyneModel(), seed: 10);
        var r = QuantumRandomNumberGenerator.Generate(source, 20_000, extractorSeed: 11);
        Assert.True(r.HealthTestsPassed);
        Assert.Equal(20_000, r.Output.Length);
        Assert.Equal(4, r.StatisticalTests.Length);
        Assert.All(r.StatisticalTests, t => Assert.True(t.Passed, $"{t.Name} P = {t.PValue}"));
        // Block of 1024 8-bit samples at ~5.93 bits each, minus 2 * 64 bits, rounded to whole bytes.
        Assert.Equal(8192, r.ExtractorInputBits);
        Assert.InRange(r.ExtractorOutputBits, 5900, 6000);
    }

    [Theory]
    [InlineData(SourceFault.Stuck)]
    [InlineData(SourceFault.Biased)]
    public void Generate_FromFaultySource_ReleasesNothing(SourceFault fault)
    {
        var source = new VacuumHomodyneSource(new VacuumHomodyneModel(), seed: 12, fault);
        var r = QuantumRandomNumberGenerator.Generate(source, 5000, extractorSeed: 13);
        Assert.False(r.HealthTestsPassed);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Pack_TwoThreeBitSamples_SpillAcrossWords()
    {
        var samples = new byte[22];
        Array.Fill(samples, (byte)0b101);
        var words = new ulong[2];
        QuantumRandomNumberGenerator.Pack(samples, 3, words);
        var bits = BitString.FromWords(words, 66);
        for (var i = 0; i < 66; i++)
        {
            Assert.Equal(i % 3 != 1, bits[i]);
        }
    }
}
