using Qkd.Bb84.Eavesdropping;
using Qkd.Bits;
using Qkd.KeyRate;
using Qkd.Physics;

namespace Qkd.Bb84.Link;

/// <summary>
/// The naive reference: every pulse is drawn in full (intensity, photon number, Eve, each photon, each
/// detector), one after the other. Cost proportional to pulses. It shares no sampling code with
/// <see cref="PulseModel"/> so that the two check each other (tests compare their statistics), and it is the
/// baseline of the speed benchmark.
/// </summary>
internal static class PerPulseSimulator
{
    // One long method on purpose (~130 lines): the reference reads top to bottom as the physics of one pulse, in the
    // order the fast sampler must reproduce; cutting it into helpers would hide that order (it is not a hot path).
    public static QuantumRecords Run(SimulationSettings settings)
    {
        var link = settings.Link;
        var random = new SimRandom(settings.Seed);
        var k = settings.Intensities.Length;
        var eta = link.OverallTransmittance;
        var etaBob = link.Detector.Efficiency;
        var dark = -Numerics.ExpM1(0.5 * Numerics.Log1P(-link.BackgroundYield));
        var eDet = link.Detector.Misalignment;
        var pz = link.KeyBasisProbability;
        var threeState = settings.Protocol == ProtocolKind.ThreeState;
        var eve = settings.Eve.IsActive ? settings.Eve : Eavesdropper.None;
        var pns = eve.Kind == EavesdropperKind.PhotonNumberSplitting
            ? PnsStrategy.Calibrate(PulseModel.PhotonNumbers(link.Source.Kind, settings.Intensities[0].MeanPhotonNumber), eta, etaBob)
            : null;
        var bsToEve = eve.Kind == EavesdropperKind.BeamSplitting ? eve.Fraction * (1 - link.ChannelTransmittance) : 0;
        var dead = GapSampler.DeadPulses(link.Detector.DeadTimeSeconds, link.Source.RepetitionRateHz);
        var afterpulse = link.Detector.AfterpulseProbability;
        var singlePhoton = link.Source.Kind == SourceKind.SinglePhoton;

        var indices = new List<long>();
        var alice = new List<byte>();
        var bob = new List<byte>();
        var eveKnowsList = new List<bool>();
        var perIntensity = new long[k];
        long deadUntil = -1, deadCount = 0;
        var pendingAfterpulse = false;
        for (long i = 0; i < settings.Pulses; i++)
        {
            if (i <= deadUntil)
            {
                deadCount++;
                perIntensity[PickIntensity(ref random, settings)]++;
                continue;
            }
            var intensity = PickIntensity(ref random, settings);
            perIntensity[intensity]++;
            var n = singlePhoton ? 1 : random.Poisson(settings.Intensities[intensity].MeanPhotonNumber);
            var aBasis = random.NextDouble() < pz ? 0 : 1;
            var aBit = random.NextBit() ? 1 : 0;
            if (threeState && aBasis == 1)
            {
                aBit = 0;
            }
            var bBasis = random.NextDouble() < pz ? 0 : 1;
            int cBasis = aBasis, cBit = aBit, forwarded = n, registered = 0;
            var x = eta;
            var eveHolds = false;
            switch (eve.Kind)
            {
                case EavesdropperKind.InterceptResend when n > 0 && random.NextDouble() < eve.Fraction:
                    var eb = random.NextBit() ? 1 : 0;
                    var eBit = eb == aBasis ? aBit : (random.NextBit() ? 1 : 0);
                    eveHolds = eb == aBasis;
                    (cBasis, cBit) = (eb, eBit);
                    break;
                case EavesdropperKind.PhotonNumberSplitting when n > 0 && random.NextDouble() < eve.Fraction:
                    if (n == 1)
                    {
                        forwarded = random.NextDouble() < pns!.SinglePhotonForwardProbability ? 1 : 0;
                        x = etaBob;
                    }
                    else
                    {
                        forwarded = n - 1;
                        x = etaBob * pns!.MultiPhotonTransmittance;
                        eveHolds = true;
                    }
                    break;
                case EavesdropperKind.BeamSplitting:
                    forwarded = 0;
                    for (var p = 0; p < n; p++)
                    {
                        var u = random.NextDouble();
                        if (u < bsToEve)
                        {
                            eveHolds = true;
                        }
                        else if (u < bsToEve + eta)
                        {
                            registered++;
                        }
                    }
                    break;
                default:
                    break;
            }
            if (eve.Kind != EavesdropperKind.BeamSplitting)
            {
                for (var p = 0; p < forwarded; p++)
                {
                    if (random.NextDouble() < x)
                    {
                        registered++;
                    }
                }
            }
            bool fire0 = false, fire1 = false;
            for (var p = 0; p < registered; p++)
            {
                var detector = bBasis == cBasis ? cBit ^ (random.NextDouble() < eDet ? 1 : 0) : (random.NextBit() ? 1 : 0);
                fire0 |= detector == 0;
                fire1 |= detector == 1;
            }
            fire0 |= random.NextDouble() < dark;
            fire1 |= random.NextDouble() < dark;
            if (pendingAfterpulse)
            {
                pendingAfterpulse = false;
                if (random.NextBit())
                {
                    fire1 = true;
                }
                else
                {
                    fire0 = true;
                }
            }
            if (!(fire0 || fire1))
            {
                continue;
            }
            var bBit = fire0 && fire1 ? (random.NextBit() ? 1 : 0) : (fire1 ? 1 : 0);
            indices.Add(i);
            alice.Add((byte)(intensity << 2 | aBasis << 1 | aBit));
            bob.Add((byte)(bBasis << 1 | bBit));
            eveKnowsList.Add(eveHolds && registered > 0);
            deadUntil = i + dead;
            pendingAfterpulse = afterpulse > 0 && random.NextDouble() < afterpulse;
        }
        return new QuantumRecords(indices.Count, [.. indices], [.. alice], [.. bob], [.. eveKnowsList], perIntensity, deadCount);
    }

    private static int PickIntensity(ref SimRandom random, SimulationSettings settings)
    {
        var u = random.NextDouble();
        var last = settings.Intensities.Length - 1;
        for (var i = 0; i < last; i++)
        {
            u -= settings.Intensities[i].Probability;
            if (u < 0)
            {
                return i;
            }
        }
        return last;
    }
}
