using System.Runtime.Intrinsics;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

public class LdpcNarrowLanesTests
{
    [Theory]
    [InlineData(64, 32, 0.6, 0.05, 1UL)]
    [InlineData(100, 64, 0.8, 0.02, 2UL)]
    [InlineData(80, 96, 0.5, 0.11, 3UL)]
    [InlineData(48, 160, 0.9, 0.03, 4UL)]
    [InlineData(40, 480, 0.9, 0.012, 5UL)]
    public void Vectorised_EqualsScalarReference_BitForBit(int columns, int z, double rate, double q, ulong seed)
    {
        // Z = 32 .. 480: one 32-lane block, pairs of Vector256, and (with Vector512) pairs of 64 lanes, a single 64 and a 32 tail.
        var code = LdpcCode.Build(columns, z, rate, seed);
        var (_, syndrome, channel) = LdpcDecoderTests.Frame(code, q, seed);
        var reference = new LdpcDecoder(code) { NarrowLanes = true };
        var scalar = new byte[code.Length];
        var isc = reference.Decode(channel, syndrome, scalar, 12, 1.0, vectorised: false, LdpcCheckRule.BoxPlus);
        var decoder = new LdpcDecoder(code) { NarrowLanes = true };
        foreach (var wide in System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? new[] { false, true } : [false])
        {
            decoder.UseVector512 = wide;
            var vector = new byte[code.Length];
            var iv = decoder.Decode(channel, syndrome, vector, 12, 1.0, vectorised: true, LdpcCheckRule.BoxPlus);
            Assert.Equal(isc, iv);
            Assert.Equal(scalar, vector);
            Assert.Equal(reference.Beliefs.ToArray(), decoder.Beliefs.ToArray());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadBeliefs_EqualsClampThenQuantise_ElementByElement(bool narrow)
    {
        // Every 16-bit value, in an order that puts extremes, +-max and 0 inside vector blocks and in the scalar tail.
        var channel = new short[65_536 + 13];
        for (var i = 0; i < channel.Length; i++)
        {
            channel[i] = (short)(i * 40_503 + 7);
        }
        channel[^1] = LdpcDecoder.MaxMagnitude;
        channel[^2] = (short)-LdpcDecoder.MaxMagnitude;
        channel[^3] = short.MinValue;
        var beliefs = new short[channel.Length];
        LdpcDecoder.LoadBeliefs(channel, beliefs, narrow);
        for (var i = 0; i < channel.Length; i++)
        {
            var x = Math.Clamp(channel[i], (short)-LdpcDecoder.MaxMagnitude, LdpcDecoder.MaxMagnitude);
            var expected = narrow && Math.Abs((int)x) != LdpcDecoder.MaxMagnitude ? LdpcNarrowArithmetic.Quantise(x) : x;
            Assert.True(expected == beliefs[i], $"channel {channel[i]}: expected {expected}, got {beliefs[i]}");
        }
    }

    [Fact]
    public void Narrow_DecodesAFrameWellBelowThreshold()
    {
        var code = LdpcCode.Build(200, 64, 0.5, 9);
        var (x, syndrome, channel) = LdpcDecoderTests.Frame(code, 0.03, 9);
        var decoder = new LdpcDecoder(code) { NarrowLanes = true };
        foreach (var vectorised in new[] { false, true })
        {
            var decided = new byte[code.Length];
            Assert.True(decoder.Decode(channel, syndrome, decided, 40, 1.0, vectorised, LdpcCheckRule.BoxPlus) > 0);
            Assert.Equal(x, decided);
        }
    }

    [Fact]
    public void CorrectionTable_RoundsLogOnePlusExp_AndIsZeroFromTheCapOn()
    {
        // c(u) = round(8 ln(1 + e^(-u/8))) (Hagenauer et al. 1996, Eq. (13)-(15), on a table as Hu et al. 2001): within half a
        // unit of the exact value below the cap, and the exact value rounds to 0 from u = 22, so reading u > 31 at 31 is exact.
        for (var u = 0; u <= 255; u++)
        {
            var exact = LdpcNarrowArithmetic.Scale * Math.Log(1 + Math.Exp(-u / (double)LdpcNarrowArithmetic.Scale));
            Assert.InRange(LdpcNarrowArithmetic.CorrectionScalar(u) - exact, -0.5, 0.5);
        }
        Assert.Equal(6, LdpcNarrowArithmetic.CorrectionScalar(0));
        Assert.Equal(0, LdpcNarrowArithmetic.CorrectionScalar(22));
        Assert.Equal(1, LdpcNarrowArithmetic.CorrectionScalar(21));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(-2, -1)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(-6, -2)]
    [InlineData(147, 37)]
    [InlineData(-16383, -4096)]
    public void Quantise_DividesByFourRoundingHalfAwayFromZero(short llr, short expected)
        => Assert.Equal(expected, LdpcNarrowArithmetic.Quantise(llr));

    [Fact]
    public void BoxPlusVector_EqualsScalar_OnEveryMagnitudePair()
    {
        // Forward chains combine a partial (<= 127) with |t| (<= 128, |-128| read unsigned); backward ones two values <= 127.
        var a = new sbyte[64];
        var b = new sbyte[64];
        for (var x = 0; x <= 127; x++)
        {
            for (var y0 = 0; y0 <= 128; y0 += 64)
            {
                for (var i = 0; i < 64; i++)
                {
                    a[i] = (sbyte)x;
                    b[i] = (sbyte)(byte)Math.Min(y0 + i, 128);
                }
                var wide = LdpcNarrowArithmetic.BoxPlusVector<NarrowLanes512, Vector512<sbyte>, Vector512<short>>(Vector512.Create(a), Vector512.Create(b));
                var half = LdpcNarrowArithmetic.BoxPlusVector<NarrowLanes256, Vector256<sbyte>, Vector256<short>>(Vector256.Create(a), Vector256.Create(b));
                for (var i = 0; i < 64; i++)
                {
                    var expected = LdpcNarrowArithmetic.BoxPlusScalar(x, (byte)b[i]);
                    Assert.Equal(expected, (byte)wide[i]);
                    if (i < 32)
                    {
                        Assert.Equal(expected, (byte)half[i]);
                    }
                }
            }
        }
    }

    [Fact]
    public void PackThenUnpack_ReturnsTheSaturatedLanes()
    {
        var low = new short[32];
        var high = new short[32];
        for (var i = 0; i < 32; i++)
        {
            low[i] = (short)((i - 16) * 20);
            high[i] = (short)(i * 3 - 40);
        }
        var (l, h) = NarrowLanes512.Unpack(NarrowLanes512.Pack(Vector512.Create(low), Vector512.Create(high)));
        for (var i = 0; i < 32; i++)
        {
            Assert.Equal(Math.Clamp(low[i], sbyte.MinValue, sbyte.MaxValue), l[i]);
            Assert.Equal(Math.Clamp(high[i], sbyte.MinValue, sbyte.MaxValue), h[i]);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reconcile_OnEitherLaneWidth_DecodesAndCorrectsBobsKey(bool narrow)
    {
        var random = Qkd.Bits.SimRandom.ForStream(77, 3);
        var alice = Qkd.Bits.BitString.Random(20_000, ref random);
        var bob = alice.Clone();
        Qkd.PostProcessing.BinarySymmetricChannel.Apply(bob, 0.02, ref random);
        var result = LdpcReconciler.Reconcile(LdpcOptions.Default with { NarrowLanes = narrow }, 0.02, alice, bob, new SeededSecretRandom(0x9C7));
        Assert.True(result.Decoded);
        Assert.Equal(alice, bob);
    }
}
