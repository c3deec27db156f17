using Qkd.Bits;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

public class LdpcDecoderTests
{
    /// <summary>A random codeword-with-syndrome x, and channel LLRs of x seen through BSC(q).</summary>
    internal static (byte[] X, byte[] Syndrome, short[] Channel) Frame(LdpcCode code, double q, ulong seed)
    {
        var random = new SimRandom(seed);
        var x = new byte[code.Length];
        var channel = new short[code.Length];
        var llr = (short)Math.Round(Math.Log((1 - q) / q) * LdpcDecoder.LlrScale);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = random.NextBit() ? (byte)1 : (byte)0;
            var y = x[i] ^ (random.Bernoulli(q) ? 1 : 0);
            channel[i] = y == 1 ? (short)-llr : llr;
        }
        var syndrome = new byte[code.Checks];
        code.Syndrome(x, syndrome);
        return (x, syndrome, channel);
    }

    [Theory]
    [InlineData(64, 32, 0.6, 0.05, 1UL, LdpcCheckRule.NormalisedMinSum, 0.8125)]
    [InlineData(100, 64, 0.8, 0.02, 2UL, LdpcCheckRule.NormalisedMinSum, 0.8125)]
    [InlineData(80, 96, 0.5, 0.11, 3UL, LdpcCheckRule.NormalisedMinSum, 0.8125)]
    [InlineData(48, 32, 0.9, 0.03, 4UL, LdpcCheckRule.NormalisedMinSum, 0.8125)]
    [InlineData(64, 32, 0.6, 0.05, 1UL, LdpcCheckRule.BoxPlus, 1.0)]
    [InlineData(100, 64, 0.8, 0.02, 2UL, LdpcCheckRule.BoxPlus, 1.0)]
    [InlineData(80, 96, 0.5, 0.11, 3UL, LdpcCheckRule.BoxPlus, 0.9375)]
    [InlineData(48, 32, 0.9, 0.03, 4UL, LdpcCheckRule.BoxPlus, 1.0)]
    public void Vectorised_EqualsScalarReference_BitForBit(int columns, int z, double rate, double q, ulong seed, LdpcCheckRule rule, double alpha)
    {
        // Z = 32, 64, 96: the box-plus kernel runs Vector256 only, Vector512 only, and both (a 32-lane tail); each
        // width is compared with the scalar reference (Vector512 only where the hardware has it).
        var code = LdpcCode.Build(columns, z, rate, seed);
        var (_, syndrome, channel) = Frame(code, q, seed);
        var decoder = new LdpcDecoder(code);
        var scalar = new byte[code.Length];
        var isc = decoder.Decode(channel, syndrome, scalar, 15, alpha, vectorised: false, rule);
        foreach (var wide in System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? new[] { false, true } : [false])
        {
            decoder.UseVector512 = wide;
            var vector = new byte[code.Length];
            var iv = decoder.Decode(channel, syndrome, vector, 15, alpha, vectorised: true, rule);
            Assert.Equal(isc, iv);
            Assert.Equal(scalar, vector);
            Assert.Equal(decoder.Beliefs.ToArray(), Beliefs(decoder, channel, syndrome, alpha, rule));
        }
    }

    /// <summary>The beliefs the scalar reference ends with on the same frame (same 15 iterations).</summary>
    private static short[] Beliefs(LdpcDecoder vectorDecoder, short[] channel, byte[] syndrome, double alpha, LdpcCheckRule rule)
    {
        var decoder = new LdpcDecoder(vectorDecoder.Code);
        decoder.Decode(channel, syndrome, new byte[channel.Length], 15, alpha, vectorised: false, rule);
        return decoder.Beliefs.ToArray();
    }

    [Fact]
    public void Wipe_ClearsBobsFrameBuffers_SoAPooledDecoderCarriesNoKeyBits()
    {
        var plan = LdpcFramePlan.Choose(20_000, 0.02, LdpcOptions.Default);
        var decoder = new LdpcDecoder(plan.Code);
        var buffers = decoder.FrameBuffers;
        buffers.Channel.AsSpan().Fill(5);
        foreach (var bytes in new[] { buffers.Frame, buffers.Known, buffers.Decided, buffers.Syndrome, buffers.Own })
        {
            bytes.AsSpan().Fill(1);
        }

        decoder.Wipe();

        Assert.Same(buffers, decoder.FrameBuffers);
        Assert.DoesNotContain(buffers.Channel, v => v != 0);
        foreach (var bytes in new[] { buffers.Frame, buffers.Known, buffers.Decided, buffers.Syndrome, buffers.Own })
        {
            Assert.DoesNotContain(bytes, v => v != 0);
        }
    }

    [Fact]
    public void BoxPlus_DecodesFramesNormalisedMinSumCannot()
    {
        const LdpcCheckRule rule = LdpcCheckRule.BoxPlus;
        // Same code, same frames near the min-sum threshold: the corrected check update (closer to sum-product)
        // decodes strictly more of them within the same iterations.
        var code = LdpcCode.Build(200, 64, 0.8, 21);
        var decoder = new LdpcDecoder(code);
        var decided = new byte[code.Length];
        int minSum = 0, corrected = 0;
        for (var seed = 0UL; seed < 24; seed++)
        {
            var (x, syndrome, channel) = Frame(code, 0.0235, 100 + seed);
            if (decoder.Decode(channel, syndrome, decided, 60, 0.8125) > 0 && decided.AsSpan().SequenceEqual(x))
            {
                minSum++;
            }
            if (decoder.Decode(channel, syndrome, decided, 60, 1.0, rule: rule) > 0
                && decided.AsSpan().SequenceEqual(x))
            {
                corrected++;
            }
        }
        Assert.True(corrected > minSum, $"{rule} decoded {corrected} of 24 frames, normalised min-sum {minSum}");
    }

    [Fact]
    public void Correction_ApproximatesLogOnePlusExp()
    {
        // c(u) stands for 32 ln(1 + e^(-u/32)) (Hu et al., GLOBECOM 2001): within 2 fixed-point units (0.0625 natural units) everywhere.
        for (var u = 0; u <= 2 * LdpcDecoder.MaxMagnitude; u++)
        {
            var exact = LdpcDecoder.LlrScale * Math.Log(1 + Math.Exp(-u / LdpcDecoder.LlrScale));
            Assert.InRange(LdpcCheckArithmetic.CorrectionScalar(u) - exact, -2.0, 2.0);
        }
        Assert.Equal(22, LdpcCheckArithmetic.CorrectionScalar(0));
        Assert.Equal(0, LdpcCheckArithmetic.CorrectionScalar(200));
    }

    [Fact]
    public void CorrectionVector_EqualsScalar_Everywhere()
    {
        // The vector correction (high-half multiplies, saturating chords) is the scalar c(u) lane for lane on every u
        // the kernel forms (a + b and |a - b| of magnitudes up to MaxMagnitude), at both widths.
        AssertCorrectionEqualsScalar<Lanes256, System.Runtime.Intrinsics.Vector256<short>>();
        AssertCorrectionEqualsScalar<Lanes512, System.Runtime.Intrinsics.Vector512<short>>();
    }

    private static void AssertCorrectionEqualsScalar<TL, TV>() where TL : struct, ILanes<TV> where TV : struct
    {
        var u = new short[2 * LdpcDecoder.MaxMagnitude + 1];
        for (var i = 0; i < u.Length; i++)
        {
            u[i] = (short)i;
        }
        var c = new short[TL.Count];
        for (var i = 0; i + TL.Count <= u.Length; i += TL.Count)
        {
            TL.Store(LdpcCheckArithmetic.CorrectionVector<TL, TV>(TL.Load(ref u[i], 0)), ref c[0], 0);
            for (var k = 0; k < c.Length; k++)
            {
                Assert.Equal(LdpcCheckArithmetic.CorrectionScalar(i + k), c[k]);
            }
        }
    }

    [Fact]
    public void BoxPlusVector_EqualsScalar_OnMagnitudePairs()
    {
        // |a [+] b| on lanes (saturating floor at 0) against the scalar reference, including the pairs near 0 where
        // min(a, b) + c(a + b) - c(|a - b|) goes negative before the floor.
        var random = new SimRandom(31);
        var a = new short[16];
        var b = new short[16];
        for (var round = 0; round < 4000; round++)
        {
            for (var k = 0; k < 16; k++)
            {
                var small = round % 2 == 0;
                a[k] = (short)(small ? (int)random.NextBelow(8) : (int)random.NextBelow(LdpcDecoder.MaxMagnitude + 1));
                b[k] = (short)(small ? (int)random.NextBelow(64) : (int)random.NextBelow(LdpcDecoder.MaxMagnitude + 1));
            }
            var v = LdpcCheckArithmetic.BoxPlusAnyVector<Lanes256, System.Runtime.Intrinsics.Vector256<short>>(
                System.Runtime.Intrinsics.Vector256.Create(a), System.Runtime.Intrinsics.Vector256.Create(b));
            for (var k = 0; k < 16; k++)
            {
                Assert.Equal(LdpcCheckArithmetic.BoxPlusAnyScalar(a[k], b[k]), v[k]);
            }
        }
    }

    [Fact]
    public void Decode_WellBelowThreshold_FindsTheWord()
    {
        var code = LdpcCode.Build(200, 64, 0.7, 5);
        var (x, syndrome, channel) = Frame(code, 0.015, 9);
        var decided = new byte[code.Length];
        var iterations = new LdpcDecoder(code).Decode(channel, syndrome, decided, 60, 0.8125);
        Assert.InRange(iterations, 1, 60);
        Assert.Equal(x, decided);
    }

    [Fact]
    public void Decode_AboveCapacity_ReportsFailure()
    {
        // Rate 0.9 leaves 0.1 bit of syndrome per bit; h(0.05) = 0.29 is far more than that: no decoder can succeed.
        var code = LdpcCode.Build(100, 64, 0.9, 5);
        var (_, syndrome, channel) = Frame(code, 0.05, 10);
        var decided = new byte[code.Length];
        Assert.Equal(-1, new LdpcDecoder(code).Decode(channel, syndrome, decided, 30, 0.8125));
    }

    [Fact]
    public void Run_WithStallWindow_GivesUpEarlyOnAHopelessFrame_ButNotOnAGoodOne()
    {
        var code = LdpcCode.Build(100, 64, 0.9, 5);
        var decoder = new LdpcDecoder(code);
        var decided = new byte[code.Length];
        var (_, syndrome, channel) = Frame(code, 0.05, 10);
        decoder.Load(channel, syndrome);
        Assert.Equal(-1, decoder.Run(decided, 200, 0.8125, stallWindow: 8));
        Assert.InRange(decoder.LastIterations, 16, 199);
        var (x, good, goodChannel) = Frame(code, 0.002, 11);
        decoder.Load(goodChannel, good);
        Assert.InRange(decoder.Run(decided, 200, 0.8125, stallWindow: 8), 1, 200);
        Assert.Equal(x, decided);
    }

    [Fact]
    public void Run_ResumedWithStallReference_GivesUpAfterOneWindowUnlessTheChecksFell()
    {
        var (decoder, decided, _) = Loaded(LdpcCode.Build(100, 64, 0.9, 5), 0.05, 10);
        Assert.Equal(-1, decoder.Run(decided, 200, 1.0, stallWindow: 3, rule: LdpcCheckRule.BoxPlus));
        var before = decoder.UnsatisfiedChecks(decided);
        // Hopeless frame, nothing revealed: the resumed attempt stops at its first test, after one window of 3.
        Assert.Equal(-1, decoder.Run(decided, 200, 1.0, stallWindow: 3, rule: LdpcCheckRule.BoxPlus, stallReference: before, resumedStallWindow: 3));
        Assert.Equal(3, decoder.LastIterations);
        // Without the reference the same state runs two windows before the first test can stop it.
        Assert.Equal(-1, decoder.Run(decided, 200, 1.0, stallWindow: 3, rule: LdpcCheckRule.BoxPlus));
        Assert.True(decoder.LastIterations >= 6, $"{decoder.LastIterations} iterations");
    }

    [Fact]
    public void Run_ResumedAfterAUsefulReveal_KeepsGoingPastTheFirstWindow()
    {
        var (decoder, decided, x) = Loaded(LdpcCode.Build(100, 64, 0.8, 6), 0.06, 12);
        Assert.Equal(-1, decoder.Run(decided, 20, 1.0, rule: LdpcCheckRule.BoxPlus));
        var before = decoder.UnsatisfiedChecks(decided);
        for (var v = 0; v < x.Length; v += 2)
        {
            decoder.Pin(v, x[v] == 1);
        }
        Assert.InRange(decoder.Run(decided, 60, 1.0, stallWindow: 3, rule: LdpcCheckRule.BoxPlus, stallReference: before, resumedStallWindow: 3), 1, 60);
        Assert.Equal(x, decided);
    }

    /// <summary>A decoder loaded with a seeded frame of <paramref name="code"/> through BSC(q), its decision buffer and the word.</summary>
    private static (LdpcDecoder Decoder, byte[] Decided, byte[] X) Loaded(LdpcCode code, double q, ulong seed)
    {
        var (x, syndrome, channel) = Frame(code, q, seed);
        var decoder = new LdpcDecoder(code);
        decoder.Load(channel, syndrome);
        return (decoder, new byte[code.Length], x);
    }

    [Fact]
    public void Pin_AfterFailure_ResumesAndUsesTheRevealedBits()
    {
        var code = LdpcCode.Build(100, 64, 0.8, 6);
        var (x, syndrome, channel) = Frame(code, 0.06, 12);
        var decoder = new LdpcDecoder(code);
        var decided = new byte[code.Length];
        decoder.Load(channel, syndrome);
        Assert.Equal(-1, decoder.Run(decided, 20, 0.8125));
        for (var v = 0; v < code.Length; v++)
        {
            if (v % 4 != 0)
            {
                decoder.Pin(v, x[v] == 1);
            }
        }
        Assert.InRange(decoder.Run(decided, 60, 0.8125), 1, 60);
        Assert.Equal(x, decided);
    }
}
