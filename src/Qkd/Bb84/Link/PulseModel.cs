using System.Runtime.CompilerServices;
using Qkd.Bb84.Eavesdropping;
using Qkd.Bits;
using Qkd.KeyRate;
using Qkd.Physics;

namespace Qkd.Bb84.Link;

/// <summary>
/// The per-pulse physics of a link as precomputed tables: for every intensity the probability that a
/// pulse clicks, and samplers of a pulse's full story (Alice's choices, photons, Eve, Bob's detectors)
/// either unconditioned or conditioned on "Bob clicked". Conditioning is what makes gap sampling exact:
/// pulses are independent, so clicks form a Bernoulli process whose gaps are geometric and whose
/// clicked pulses are independent draws from the conditional law (docs/bb84.md, "Why gap sampling is exact").
/// </summary>
/// <remarks>
/// Model per pulse (docs/bb84.md): intensity k with probability p_k; n ~ Poisson(mu_k) photons (n = 1 for a
/// single-photon source); each photon reaches and is registered by Bob with probability x (x = eta = t_AB eta_Bob
/// for the honest fibre; Eve changes x and n); Bob picks his basis per pulse (active choice); each registered
/// photon hits the detector of the carried bit with probability 1 - e_det when bases agree, at random otherwise;
/// each of Bob's two detectors adds a background count with probability d = 1 - sqrt(1 - Y0), so that some
/// background count happens with probability Y0; both detectors firing gives a random bit (squashing).
/// Then P(click | k) = 1 - (1 - Y0)(1 - s_k) with s_k = P(at least one photon registered | k), which for the honest
/// fibre is Q_mu = 1 - (1 - Y0) e^{-eta mu} (Ma, Qi, Zhao, Lo, PRA 72, 012326, 2005, Eq. 9 in its exact form).
/// </remarks>
internal sealed class PulseModel
{
    private const int MaxPhotons = 96;

    private readonly Branch[][] _branches;
    private readonly double[] _signal;          // s_k
    private readonly double[] _click;           // Q_k
    private readonly double[] _clickCdf;        // cumulative p_k Q_k / Q, padded to 4 entries
    private readonly double[] _intensityCdf;    // cumulative p_k
    private readonly double _y0, _dark, _misalignment, _keyBasis, _bsEveGivenMissed, _invLogNoClick;
    private readonly int _threeStateMask; // 1 for the three-state protocol, else 0

    public PulseModel(SimulationSettings settings)
    {
        var link = settings.Link;
        var eta = link.OverallTransmittance;
        var etaBob = link.Detector.Efficiency;
        _y0 = link.BackgroundYield;
        _dark = -Numerics.ExpM1(0.5 * Numerics.Log1P(-_y0));
        _misalignment = link.Detector.Misalignment;
        _keyBasis = link.KeyBasisProbability;
        _threeStateMask = settings.Protocol == ProtocolKind.ThreeState ? 1 : 0;
        var eve = settings.Eve;
        var f = eve.IsActive ? eve.Fraction : 0;
        var kind = f > 0 ? eve.Kind : EavesdropperKind.None;

        var k = settings.Intensities.Length;
        IntensityCount = k;
        _branches = new Branch[k][];
        _signal = new double[k];
        _click = new double[k];
        _clickCdf = new double[4];
        _intensityCdf = new double[4];

        Pns = kind == EavesdropperKind.PhotonNumberSplitting
            ? PnsStrategy.Calibrate(PhotonNumbers(link.Source.Kind, settings.Intensities[0].MeanPhotonNumber), eta, etaBob)
            : null;
        // Beam splitting: a photon goes to Eve with r = f (1 - t_AB), to Bob's registered clicks with eta, elsewhere otherwise;
        // given that Bob did not register it, it is Eve's with r / (1 - eta).
        _bsEveGivenMissed = kind == EavesdropperKind.BeamSplitting && eta < 1 ? f * (1 - link.ChannelTransmittance) / (1 - eta) : 0;

        double total = 0, cumP = 0;
        for (var i = 0; i < k; i++)
        {
            var pn = PhotonNumbers(link.Source.Kind, settings.Intensities[i].MeanPhotonNumber);
            var list = new List<Branch>();
            double cum = 0;
            for (var n = 1; n < pn.Length; n++)
            {
                var honestShare = kind is EavesdropperKind.InterceptResend or EavesdropperKind.PhotonNumberSplitting ? 1 - f : 1;
                var honestAttack = kind == EavesdropperKind.BeamSplitting ? Attack.BeamSplit : Attack.None;
                Add(list, ref cum, honestShare * pn[n], n, n, eta, honestAttack);
                if (kind == EavesdropperKind.InterceptResend)
                {
                    Add(list, ref cum, f * pn[n], n, n, eta, Attack.InterceptResend);
                }
                else if (kind == EavesdropperKind.PhotonNumberSplitting)
                {
                    if (n == 1)
                    {
                        Add(list, ref cum, f * pn[n] * Pns!.SinglePhotonForwardProbability, 1, 1, etaBob, Attack.PnsSingle);
                    }
                    else
                    {
                        Add(list, ref cum, f * pn[n], n, n - 1, etaBob * Pns!.MultiPhotonTransmittance, Attack.PnsSplit);
                    }
                }
            }
            _branches[i] = [.. list];
            _signal[i] = cum;
            _click[i] = 1 - (1 - _y0) * (1 - cum);
            total += settings.Intensities[i].Probability * _click[i];
            _clickCdf[i] = total;
            cumP += settings.Intensities[i].Probability;
            _intensityCdf[i] = cumP;
        }
        for (var i = 0; i < k; i++)
        {
            _clickCdf[i] = total > 0 ? _clickCdf[i] / total : (i + 1.0) / k;
        }
        for (var i = k - 1; i < 4; i++)
        {
            _clickCdf[i] = 2; // beyond every u in [0, 1): the last intensity takes the rest
            _intensityCdf[i] = 2;
        }
        ClickProbability = total;
        _invLogNoClick = total is > 0 and < 1 ? 1 / Numerics.Log1P(-total) : 0;
    }

    /// <summary>Number of intensities.</summary>
    public int IntensityCount { get; }

    /// <summary>Q = sum_k p_k Q_k: probability that a pulse reaching a live detector clicks.</summary>
    public double ClickProbability { get; }

    /// <summary>Eve's calibrated strategy when she splits photon numbers, else null.</summary>
    public PnsStrategy? Pns { get; }

    /// <summary>Q_k: probability that a pulse of intensity k clicks (live detector).</summary>
    public double ClickProbabilityOf(int intensity) => _click[intensity];

    /// <summary>
    /// Number of pulses before the next click of a live detector: geometric on {0, 1, ...} with success
    /// probability Q, by inversion floor(ln U / ln(1 - Q)) (exact; Devroye, Non-Uniform Random Variate Generation, 1986, X.2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long NextGap(ref SimRandom random)
    {
        if (_invLogNoClick == 0)
        {
            return ClickProbability >= 1 ? 0 : long.MaxValue / 4;
        }
        var g = Math.Log(random.NextDoubleNonZero()) * _invLogNoClick;
        return g < 4e18 ? (long)g : long.MaxValue / 4;
    }

    /// <summary>
    /// Samples one pulse. <paramref name="givenClick"/>: conditioned on Bob clicking (the gap sampler's case);
    /// otherwise unconditioned, with <paramref name="forcedCount"/> adding a spurious count in a random detector
    /// (an afterpulse), so that the pulse clicks in any case.
    /// </summary>
    /// <returns>The detection: Alice's record byte, Bob's record byte, whether Eve knows Alice's bit.</returns>
    // ~100 lines on purpose: the per-click hot path of the simulator (LinkSimulatorBenchmarks); the photon, Eve and
    // detector branches share locals that helpers would pass by ref on every click.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Detection Sample(ref SimRandom random, bool givenClick, bool forcedCount)
    {
        // 1. Intensity: k = number of cumulative thresholds at or below u (tables padded with 2 beyond the last).
        var u = random.NextDouble();
        var cdf = givenClick ? _clickCdf : _intensityCdf;
        var k = (u >= cdf[0] ? 1 : 0) + (u >= cdf[1] ? 1 : 0) + (u >= cdf[2] ? 1 : 0);
        // 2. Which sources of counts are present: signal photons (S) and background (D).
        var s = _signal[k];
        bool signal, background;
        if (givenClick)
        {
            var v = random.NextDouble() * _click[k];
            var onlySignal = s * (1 - _y0);
            signal = v < onlySignal || v >= onlySignal + (1 - s) * _y0;
            background = v >= onlySignal;
        }
        else
        {
            signal = random.NextDouble() < s;
            background = random.NextDouble() < _y0;
        }
        // 3. Alice's and Bob's choices. Fair bits come from one word: bit 0 Alice's bit, 1-2 Eve's basis and bit,
        // 3 the afterpulse detector, 4 the squashing tie-break, 8-63 the detectors of photons measured in the wrong basis.
        var bits = random.NextUInt64();
        var aliceBasis = random.NextDouble() < _keyBasis ? 0 : 1; // 0 = Z, 1 = X
        var aliceBit = (int)(bits & 1) & ~(_threeStateMask & aliceBasis); // three-state: the only X state is |+>
        var bobBasis = random.NextDouble() < _keyBasis ? 0 : 1;

        var fired = 0; // bit 0: detector of bit 0 fired, bit 1: detector of bit 1 fired
        var eveKnows = false;
        if (signal)
        {
            // 4. Which photon-number branch (Eve's action included) produced the registered photons.
            var branches = _branches[k];
            var w = random.NextDouble() * s;
            var b = 0;
            while (b < branches.Length - 1 && w >= branches[b].Cumulative)
            {
                b++;
            }
            ref readonly var br = ref branches[b];
            var photons = RegisteredPhotons(ref random, br);
            var carriedBasis = aliceBasis;
            var carriedBit = aliceBit;
            switch (br.Attack)
            {
                case Attack.InterceptResend:
                    var eveBasis = (int)((bits >> 1) & 1);
                    carriedBit = eveBasis == aliceBasis ? aliceBit : (int)((bits >> 2) & 1);
                    carriedBasis = eveBasis;
                    eveKnows = eveBasis == aliceBasis;
                    break;
                case Attack.PnsSplit:
                    eveKnows = true;
                    break;
                case Attack.BeamSplit:
                    var missed = br.AlicePhotons - photons;
                    eveKnows = missed > 0 && _bsEveGivenMissed > 0
                        && random.NextDouble() < -Numerics.ExpM1(missed * Numerics.Log1P(-Math.Min(1, _bsEveGivenMissed)));
                    break;
                default:
                    break;
            }
            // 5. Route each registered photon: the carried bit (flipped with probability e_det) when the bases agree,
            // a fair coin otherwise.
            var match = bobBasis == carriedBasis;
            var pool = bits >> 8;
            var poolLeft = 56;
            for (var p = 0; p < photons; p++)
            {
                var flip = random.NextDouble() < _misalignment ? 1 : 0;
                if (poolLeft == 0)
                {
                    pool = random.NextUInt64();
                    poolLeft = 64;
                }
                var coin = (int)(pool & 1);
                pool >>= 1;
                poolLeft--;
                fired |= 1 << (match ? carriedBit ^ flip : coin);
            }
        }
        if (background)
        {
            // Given at least one background count: (first only, second only, both) ∝ (d(1-d), d(1-d), d^2).
            var v = random.NextDouble() * _y0;
            var single = _dark * (1 - _dark);
            fired |= v < single ? 1 : (v < 2 * single ? 2 : 3);
        }
        if (forcedCount)
        {
            fired |= 1 << (int)((bits >> 3) & 1);
        }
        // 6. Squashing: a double click becomes a random bit.
        var bobBit = fired == 3 ? (int)((bits >> 4) & 1) : fired >> 1;
        return new Detection(
            (byte)(k << 2 | aliceBasis << 1 | aliceBit),
            (byte)(bobBasis << 1 | bobBit),
            eveKnows);
    }

    /// <summary>
    /// Photons registered given at least one: the first registered photon's position j among the n' forwarded ones
    /// is truncated-geometric, P(j) ∝ (1-x)^{j-1} x on 1..n' (inversion), and the n' - j later photons are
    /// independent Bernoulli(x). Exact for a binomial(n', x) conditioned on being at least 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RegisteredPhotons(ref SimRandom random, in Branch br)
    {
        if (br.Forwarded == 1)
        {
            return 1;
        }
        int j;
        if (br.X >= 1)
        {
            j = 1;
        }
        else
        {
            var u = random.NextDouble();
            var t = Math.Log(1 - u * br.AnyRegistered) / br.LogMiss;
            j = Math.Clamp((int)Math.Ceiling(t), 1, br.Forwarded);
        }
        var m = 1;
        for (var i = j; i < br.Forwarded; i++)
        {
            if (random.NextDouble() < br.X)
            {
                m++;
            }
        }
        return m;
    }

    /// <summary>P(n | mu) for n = 0..nmax: Poisson for weak coherent pulses (truncated where the tail is below 1e-18), n = 1 for single photons.</summary>
    internal static double[] PhotonNumbers(SourceKind kind, double mu)
    {
        if (kind == SourceKind.SinglePhoton)
        {
            return [0, 1];
        }
        if (mu <= 0)
        {
            return [1];
        }
        var list = new List<double> { Math.Exp(-mu) };
        var p = list[0];
        for (var n = 1; n < MaxPhotons; n++)
        {
            p *= mu / n;
            list.Add(p);
            if (n > mu && p < 1e-18)
            {
                break;
            }
        }
        return [.. list];
    }

    private static void Add(List<Branch> list, ref double cumulative, double probability, int alicePhotons, int forwarded, double x, Attack attack)
    {
        if (forwarded <= 0 || x <= 0 || probability <= 0)
        {
            return;
        }
        var logMiss = x < 1 ? Numerics.Log1P(-x) : double.NegativeInfinity;
        var any = x < 1 ? -Numerics.ExpM1(forwarded * logMiss) : 1;
        cumulative += probability * any;
        list.Add(new Branch(cumulative, alicePhotons, forwarded, x, logMiss, any, attack));
    }

    private readonly record struct Branch(double Cumulative, int AlicePhotons, int Forwarded, double X, double LogMiss, double AnyRegistered, Attack Attack);

    private enum Attack : byte
    {
        None,
        InterceptResend,
        PnsSingle,
        PnsSplit,
        BeamSplit,
    }
}
