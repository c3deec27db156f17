using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.KeyRate.Decoy;
using Qkd.KeyRate.FiniteKey;
using Qkd.Physics;

namespace Qkd.Tests.KeyRate;

public class VacuumWeakFiniteKeyTests
{
    // Worked example: Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014), Eqs. (1)-(5) evaluated step by step for
    // one block: mu = (0.5, 0.1, 0), p = (0.7, 0.15, 0.15), n_Z = n_X = (5e8, 2e7, 3e5), m_X = (1e7, 6e5, 1.5e5),
    // lambda_EC = 6e7, eps_sec = 1e-10, eps_cor = 1e-15. Reference values computed independently of this code
    // (double precision, Python math module, the equations typed from the paper):
    // s_Z0 = 1030621.357, s_Z1 = s_X1 = 274260523.90, v_X1 = 8101125.519, phi_Z = 0.0296648702, l = 162438560.8.
    [Fact]
    public void Compute_WorkedExample_MatchesLim2014StepByStep()
    {
        var b = VacuumWeakFiniteKey.Compute([0.5, 0.1, 0], [0.7, 0.15, 0.15], [5e8, 2e7, 3e5], [5e8, 2e7, 3e5], [1e7, 6e5, 1.5e5],
            6e7, 1e-10, 1e-15);
        Assert.Equal(1030621.3572842046, b.SZ0, 1e-6 * 1030621);
        Assert.Equal(274260523.8994814, b.SZ1, 1e-9 * 274260523);
        Assert.Equal(274260523.8994814, b.SX1, 1e-9 * 274260523);
        Assert.Equal(8101125.518813164, b.VX1, 1e-9 * 8101125);
        Assert.Equal(0.029664870178858493, b.PhiZ, 1e-12);
        Assert.Equal(162438560.8451176, b.Length, 1e-9 * 162438560);
        Assert.Equal(162438560, b.SecretBits);
    }

    [Fact]
    public void Compute_VacuumCountsDrownedByHoeffding_GivesNoKey()
    {
        var b = VacuumWeakFiniteKey.Compute([0.5, 0.1, 0], [0.7, 0.15, 0.15], [1e6, 3e4, 600], [1e6, 3e4, 600], [2e4, 1.2e3, 300],
            2e5, 1e-10, 1e-15);
        Assert.Equal(0, b.SZ0);
        Assert.Equal(0, b.SecretBits);
    }

    [Fact]
    public void Model_LargerBlocks_ApproachTheAsymptoticVacuumWeakRate_FromBelow()
    {
        var link = LinkPresets.Get("gys");
        var asymptotic = KeyRateAnalysis.Analyse(new DecoyVacuumWeakModel(), link, 0.48, includeMaxDistance: false).SecretKeyRateBps;
        var previous = 0.0;
        foreach (var n in new[] { 1e5, 1e6, 1e7, 1e9 })
        {
            var finite = KeyRateAnalysis.Analyse(new DecoyVacuumWeakFiniteModel(new FiniteKeyParameters(n)), link, 0.48, includeMaxDistance: false).SecretKeyRateBps;
            Assert.True(finite >= previous, $"n_Z = {n:G3}: {finite} bit/s below the smaller block's {previous}");
            Assert.True(finite < asymptotic, $"n_Z = {n:G3}: {finite} bit/s above the asymptotic {asymptotic}");
            previous = finite;
        }
        // At 1e9 bits the finite bound still pays for 30 % of pulses sent as decoy and vacuum (p_mu1 = 0.7) and for the
        // Hoeffding terms of the small vacuum counts; it gives about a third of the asymptotic rate (492 vs 1,423 bit/s).
        Assert.True(previous > 0.3 * asymptotic, $"1e9-bit blocks give {previous} of the asymptotic {asymptotic} bit/s");
    }

    [Fact]
    public void Registry_NamesTheFiniteVacuumWeakModel()
    {
        Assert.Contains("decoy-vacuum-weak-finite", KeyRateModels.Names);
        Assert.IsType<DecoyVacuumWeakFiniteModel>(KeyRateModels.Get("decoy-vacuum-weak-finite"));
    }
}
