using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.KeyRate.Decoy;
using Qkd.KeyRate.NoDecoy;
using Qkd.Physics;

namespace Qkd.Tests.KeyRate;

/// <summary>Published numbers the models must reproduce (each test cites its source).</summary>
public class KeyRateGoldenTests
{
    private static double MaxKm(string model) => KeyRateAnalysis.MaxDistanceKm(KeyRateModels.Get(model), LinkPresets.Gys(0));

    [Fact]
    public void Gys_DecoyInfinite_MaxDistanceIs142Km()
    {
        // Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Sec. VI with the GYS parameters of their Table I
        // (alpha 0.21 dB/km, e_det 3.3 %, Y0 1.7e-6, eta_Bob 4.5 %, f 1.22, q 1/2): the asymptotic decoy limit
        // reaches about 142 km (Lo, Ma, Chen, PRL 94, 230504 (2005): "over 140 km").
        Assert.InRange(MaxKm("decoy-infinite"), 141.0, 143.5);
    }

    [Fact]
    public void Gys_VacuumPlusWeak_ApproachesTheInfiniteDecoyLimit()
    {
        // Ma et al. 2005, abstract and Sec. VI: vacuum + weak decoy "asymptotically approaches the theoretical limit
        // of the most general type of decoy state protocols"; with nu = 0.05 the GYS cut-off lies about 1 km short of
        // the infinite-decoy ~142 km.
        var weak = MaxKm("decoy-vacuum-weak");
        var infinite = MaxKm("decoy-infinite");
        Assert.InRange(weak, 139.0, 142.5);
        Assert.InRange(infinite - weak, 0.0, 3.0);
    }

    [Fact]
    public void Gys_Gllp_WithoutDecoy_ReachesOnlyAFewTensOfKm()
    {
        // Lo, Ma, Chen, PRL 94, 230504 (2005), Fig. 1 and text: without decoy states the GLLP bound limits the GYS
        // set-up to a few tens of km (about a quarter of the decoy distance). Our GLLP with mu optimised at each
        // distance gives 40 km; the band is wide because the exact published figure was not verified (docs/models.md).
        var gllp = MaxKm("gllp");
        Assert.InRange(gllp, 25.0, 45.0);
        Assert.True(gllp < MaxKm("decoy-infinite") / 3);
    }

    [Fact]
    public void Gys_OptimalMu_IsAboutHalfAPhoton_ForDecoy_AndTinyWithoutDecoy()
    {
        // Ma et al. 2005, Sec. VI: the optimal decoy-state signal intensity for GYS is mu ~ 0.48 (their Table I value);
        // GLLP without decoys needs mu ~ eta (Lo-Ma-Chen 2005), far below it.
        var link = LinkPresets.Gys(25);
        Assert.InRange(KeyRateAnalysis.OptimalPoint(new DecoyInfiniteModel(), link).Mu, 0.42, 0.56);
        Assert.InRange(KeyRateAnalysis.OptimalPoint(new GllpModel(), link).Mu, 0.005, 0.05);
    }

    [Fact]
    public void TurinPreset_OneDecoyFiniteKey_GivesAbout1p3KbitPerSecondAnd1p5PercentQber()
    {
        // Corrias et al., IET Quantum Communication (2023) (seed 002), Sec. 4 and Fig. 5a: 1.3 kbit/s average secret key rate,
        // QBER 1.5 %, 10.8 dB, 600 MHz, giving 5.1 AES-256 keys/s. The preset's undisclosed detector values are calibrated to it.
        var r = KeyRateAnalysis.Analyse(KeyRateModels.Get("decoy-one-finite"), LinkPresets.Turin());
        Assert.InRange(r.SecretKeyRateBps, 1.1e3, 1.5e3);
        Assert.InRange(r.Qber, 0.014, 0.017);
        Assert.InRange(r.Aes256KeysPerSecond, 4.3, 5.9);
        Assert.Equal(10.8, r.ChannelLossDb, 6);
    }

    [Fact]
    public void TurinPreset_At25Km_MatchesThePapersPrediction_At50KmPhysicsIsHigher()
    {
        // Seed 002, Sec. 4: "4.9 and 3.6 key/s if the site were at 25 and 50 km". Dead-time-limited detectors keep the
        // rate almost flat: at 25 km the calibrated model gives ~4.9 keys/s; at 50 km it stays above 4 keys/s (the paper
        // is more pessimistic; see the reproduce report).
        var model = KeyRateModels.Get("decoy-one-finite");
        var km25 = KeyRateAnalysis.Analyse(model, LinkPresets.Turin().WithFiberLength(25), includeMaxDistance: false);
        var km50 = KeyRateAnalysis.Analyse(model, LinkPresets.Turin().WithFiberLength(50), includeMaxDistance: false);
        Assert.InRange(km25.Aes256KeysPerSecond, 4.4, 5.5);
        Assert.InRange(km50.Aes256KeysPerSecond, 3.6, 5.0);
        Assert.True(km50.Aes256KeysPerSecond < km25.Aes256KeysPerSecond);
    }

    [Fact]
    public void SinglePhoton_NoiselessLink_GivesSiftedRateTimesTransmittance()
    {
        // Shor-Preskill with e = 0 and Y0 = 0: R = q eta exactly.
        var link = new LinkDescription(new Fiber(50, 0.2), 0, new Source(SourceKind.SinglePhoton, 1, [], 1e9),
            new Detector(0.2, 0, 0), errorCorrectionEfficiency: 1.0);
        var r = new SinglePhotonModel().Evaluate(link, 1);
        Assert.Equal(0.5 * 0.2 * Math.Pow(10, -1.0), r.RawKeyRatePerPulse, 12);
    }

    [Fact]
    public void SinglePhoton_QberAt11Percent_HasNoKey()
    {
        // Shor and Preskill, PRL 85, 441 (2000): 1 - 2h(e) = 0 at e = 11.0 %.
        var link = new LinkDescription(new Fiber(10, 0.2), 0, new Source(SourceKind.SinglePhoton, 1, [], 1e9),
            new Detector(0.2, 0, 0.111), errorCorrectionEfficiency: 1.0);
        Assert.True(new SinglePhotonModel().Evaluate(link, 1).RawKeyRatePerPulse < 0);
        var below = link.WithDetector(new Detector(0.2, 0, 0.109));
        Assert.True(new SinglePhotonModel().Evaluate(below, 1).RawKeyRatePerPulse > 0);
    }
}
