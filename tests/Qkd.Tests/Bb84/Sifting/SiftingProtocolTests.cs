using FsCheck;
using FsCheck.Xunit;
using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Link;
using Qkd.Bb84.Sifting;
using Qkd.Bb84.Wire;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.Physics;

namespace Qkd.Tests.Bb84;

public class SiftingProtocolTests
{
    [Property(MaxTest = 25)]
    public bool SiftedKeys_HaveEqualLength_AndPartiesAgreeOnStatistics(ulong seed, NonNegativeInt distance, bool threeState, byte eve)
    {
        var link = LinkPresets.Gys(distance.Get % 60).WithSource(new Source(SourceKind.WeakCoherent, 0.5, [0.1], 2e6));
        var attacker = (eve % 4) switch
        {
            1 => new Eavesdropper(EavesdropperKind.InterceptResend, 0.5),
            2 => new Eavesdropper(EavesdropperKind.PhotonNumberSplitting, 1),
            3 => new Eavesdropper(EavesdropperKind.BeamSplitting, 1),
            _ => Eavesdropper.None,
        };
        var settings = SimulationSettings.FromLink(link, threeState ? ProtocolKind.ThreeState : ProtocolKind.Bb84, 3_000_000, seed, attacker);

        var records = GapSampler.Run(settings, new PulseModel(settings), 2, null);
        var (aliceEnd, bobEnd) = InMemoryClassicalChannel.CreatePair();
        var aliceTask = new AliceProtocol(settings, records.PulseIndices, records.Alice, [.. records.PulsesPerIntensity]).RunAsync(aliceEnd);
        var bobTask = new BobProtocol(settings, records.PulseIndices, records.Bob).RunAsync(bobEnd);
        Task.WaitAll(aliceTask, bobTask);
        var a = aliceTask.Result;
        var b = bobTask.Result;

        return a.SiftedKey.Length == b.SiftedKey.Length
            && a.Statistics.SameCounts(b.Statistics)
            && a.KeyPositions.SequenceEqual(b.KeyPositions)
            && a.Statistics.Pulses.Sum() == settings.Pulses
            && a.Statistics.Detections.Sum() == records.Count
            && aliceEnd.Traffic.BytesSent == bobEnd.Traffic.BytesReceived
            && aliceEnd.Traffic.BytesReceived == bobEnd.Traffic.BytesSent;
    }

    [Fact]
    public async Task Alice_RejectsAPulseSheHasNoRecordOf()
    {
        var settings = SimulationSettings.FromLink(LinkPresets.Gys(10), ProtocolKind.Bb84, 1_000_000, seed: 1);
        var (aliceEnd, bobEnd) = InMemoryClassicalChannel.CreatePair();
        var alice = new AliceProtocol(settings, new long[] { 5, 17 }, new byte[] { 0, 1 }, [700_000, 150_000, 150_000]);
        var bob = new BobProtocol(settings, new long[] { 5, 18 }, new byte[] { 0, 0 });

        var aliceTask = alice.RunAsync(aliceEnd);
        _ = bob.RunAsync(bobEnd);

        var e = await Assert.ThrowsAsync<FormatException>(() => aliceTask);
        Assert.Contains("18", e.Message);
    }

    [Fact]
    public void ClassicalTraffic_IsAFewBytesPerClick()
    {
        var result = LinkSimulator.Run(SimulationSettings.FromLink(LinkPresets.Gys(25), ProtocolKind.Bb84, 20_000_000, seed: 2));
        var perClick = result.ClassicalBytes / (double)result.Detections;
        // Delta-coded index (2-3 bytes) + 1 basis bit each way + 2 intensity bits + disclosure bits.
        Assert.InRange(perClick, 2, 5);
        Assert.Equal(4, result.ClassicalMessages);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1001)]
    public void PackedFields_RoundTrip(int count)
    {
        var random = new SimRandom(42);
        var values = new byte[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (byte)(random.NextUInt64() & 0xFF);
        }
        var writer = new WireWriter(4);
        writer.VarUInt((ulong)count);
        writer.Packed(values, 1, 1);
        writer.Packed(values, 2, 2);
        writer.VarUInt(ulong.MaxValue);
        var reader = new WireReader(writer.Written.ToArray());
        Assert.Equal((ulong)count, reader.VarUInt());
        var bits = new byte[count];
        var pairs = new byte[count];
        reader.Packed(count, 1, bits);
        reader.Packed(count, 2, pairs);
        Assert.Equal(ulong.MaxValue, reader.VarUInt());
        reader.EnsureEnd();
        for (var i = 0; i < count; i++)
        {
            Assert.Equal((values[i] >> 1) & 1, bits[i]);
            Assert.Equal((values[i] >> 2) & 3, pairs[i]);
        }
    }

    [Theory]
    [InlineData(1_000_000_000L, 0.3)]
    [InlineData(50_000L, 0.999)]
    [InlineData(1_000L, 0.01)]
    [InlineData(6_000_000_000L, 1e-9)]
    public void Binomial_HasTheRightMeanAndVariance(long n, double p)
    {
        var random = new SimRandom(99);
        const int draws = 4000;
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < draws; i++)
        {
            double x = Variates.Binomial(ref random, n, p);
            Assert.InRange(x, 0, n);
            sum += x;
            sumSquares += x * x;
        }
        var mean = sum / draws;
        var variance = sumSquares / draws - mean * mean;
        var expectedVariance = n * p * (1 - p);
        Assert.InRange(mean, n * p - 4 * Math.Sqrt(expectedVariance / draws), n * p + 4 * Math.Sqrt(expectedVariance / draws));
        Assert.InRange(variance, 0.85 * expectedVariance, 1.15 * expectedVariance);
    }

    [Fact]
    public void Multinomial_SplitsEveryPulse()
    {
        var random = new SimRandom(5);
        var counts = new long[3];
        Variates.AddMultinomial(ref random, 123_456_789_012, [0.7, 0.2, 0.1], counts);
        Assert.Equal(123_456_789_012, counts.Sum());
        Assert.InRange(counts[2] / 123_456_789_012.0, 0.0999, 0.1001);
    }

    [Fact]
    public void PnsCalibration_MatchesTheHonestSignalGain()
    {
        var link = LinkPresets.Gys(50);
        var pn = PulseModel.PhotonNumbers(SourceKind.WeakCoherent, 0.48);
        var s = PnsStrategy.Calibrate(pn, link.OverallTransmittance, link.Detector.Efficiency);
        double honest = 0, attacked = s.SinglePhotonForwardProbability * pn[1] * link.Detector.Efficiency;
        for (var n = 1; n < pn.Length; n++)
        {
            honest += pn[n] * (1 - Math.Pow(1 - link.OverallTransmittance, n));
            if (n >= 2)
            {
                attacked += pn[n] * (1 - Math.Pow(1 - link.Detector.Efficiency * s.MultiPhotonTransmittance, n - 1));
            }
        }
        Assert.Equal(honest, attacked, 1e-9);
        Assert.Equal(0, s.SinglePhotonForwardProbability); // at 50 km multi-photon pulses alone can feed Bob
    }
}
