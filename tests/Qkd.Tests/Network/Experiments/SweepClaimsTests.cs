using Qkd.Network;

namespace Qkd.Tests.Network;

/// <summary>Seed 003's Fig. 4/5 claims evaluated on hand-made points, so each verdict's rule is pinned.</summary>
public class SweepClaimsTests
{
    private static readonly string[] Policies = ["fixed", "adaptive-residue", "adaptive-routing"];

    /// <summary>A grid of points where success = f(policy, value, load) with CI half-width <paramref name="ci"/>.</summary>
    private static List<SweepPoint> Grid(string varied, double[] values, double[] loads, Func<string, double, double, double> success, double ci = 0.01)
    {
        var points = new List<SweepPoint>();
        foreach (var v in values)
        {
            foreach (var policy in Policies)
            {
                foreach (var load in loads)
                {
                    points.Add(new SweepPoint(policy, varied, v, load, success(policy, v, load), ci, 100, 50, 1, 1, 0, 1, 1));
                }
            }
        }
        return points;
    }

    private static SweepClaim Find(IEnumerable<SweepClaim> claims, string start) => claims.Single(c => c.Claim.StartsWith(start, StringComparison.Ordinal));

    /// <summary>Falls with load, rises with C with a shrinking gain, policies ordered: every claim holds.</summary>
    private static double Ideal(string policy, double c, double load)
        => 1 - load / 4000 + Math.Log(c / 200) / 10 + Array.IndexOf(Policies, policy) * 0.02;

    [Fact]
    public void Evaluate_IdealCapacitySweep_EveryClaimHolds()
    {
        var claims = SweepClaims.Evaluate(Grid("capacity", [200, 400, 600, 800, 1000], [100, 500, 1000], Ideal));
        Assert.All(claims, c => Assert.True(c.Holds, c.Claim + ": " + c.Evidence));
        // decreasing, at max load, grows (x3 policies), diminishing (x3 policies), two not-worse claims
        Assert.Equal(1 + 1 + 3 + 3 + 2, claims.Count);
        Assert.Equal("At load 1000 Adaptive Key Residue keeps success above 0.6", claims[1].Claim);
    }

    [Fact]
    public void Evaluate_OltRateSweep_HasNoDiminishingClaim_AndSaysV()
    {
        var claims = SweepClaims.Evaluate(Grid("olt-rate", [1, 2, 3], [100, 1000], (p, v, l) => Ideal(p, v * 200, l)));
        Assert.DoesNotContain(claims, c => c.Claim.Contains("diminishes", StringComparison.Ordinal));
        Assert.Contains(claims, c => c.Claim == "Success grows with V at the same load (fixed)");
    }

    [Fact]
    public void Evaluate_SuccessRisingWithLoadBeyondTheCi_DecreasingDoesNotHold()
    {
        var claims = SweepClaims.Evaluate(Grid("capacity", [200], [100, 500], (_, _, load) => load / 1000));
        var c = Find(claims, "Success decreases as the load increases");
        Assert.False(c.Holds);
        Assert.Equal("3 of 3 load steps rise beyond the CI.", c.Evidence);
    }

    [Fact]
    public void Evaluate_RiseWithinTheCi_CountsAsEqual()
    {
        var claims = SweepClaims.Evaluate(Grid("capacity", [200], [100, 500], (_, _, load) => 0.5 + load / 1e5, ci: 0.01));
        Assert.True(Find(claims, "Success decreases").Holds);
    }

    [Fact]
    public void Evaluate_AdaptiveResidueAboveSixTenthsForSomeValuesOnly_HoldsForSomeValues()
    {
        var claims = SweepClaims.Evaluate(Grid("capacity", [200, 400], [1000], (_, c, _) => c == 200 ? 0.5 : 0.7));
        var c = Find(claims, "At load 1000");
        Assert.False(c.Holds);
        Assert.True(c.HoldsForSomeValues);
        Assert.Equal("success at L = 1000 is 0.500 to 0.700 across the swept values (holds only for some values).", c.Evidence);
    }

    [Fact]
    public void Evaluate_MaxLoadOtherThanThousand_NamesTheLoad()
    {
        var claims = SweepClaims.Evaluate(Grid("capacity", [200], [100, 400], (_, _, _) => 0.9));
        Assert.Equal("At the highest load (400) Adaptive Key Residue keeps success above 0.6", claims[1].Claim);
        Assert.True(claims[1].Holds);
    }

    [Fact]
    public void Evaluate_NoVisibleEffectOfC_GrowsDoesNotHold_AndSaysSo()
    {
        var claims = SweepClaims.Evaluate(Grid("capacity", [200, 400], [100], (_, _, _) => 0.8));
        var c = Find(claims, "Success grows with C at the same load (fixed)");
        Assert.False(c.Holds);
        Assert.EndsWith("(C has no visible effect in this reading).", c.Evidence);
    }

    [Fact]
    public void Evaluate_AdaptiveRoutingWorseBeyondTheCi_NotWorseDoesNotHold()
    {
        var claims = SweepClaims.Evaluate(Grid("capacity", [200], [100, 200], (p, _, l) => (p == "adaptive-routing" ? 0.5 : 0.8) - l / 1e4));
        var c = Find(claims, "Our adaptive-routing");
        Assert.False(c.Holds);
        Assert.Equal("worse beyond the CI at 2 of 2 points; mean difference -0.3000 in success rate.", c.Evidence);
        Assert.True(Find(claims, "Adaptive Key Residue is never worse").Holds);
    }

    [Fact]
    public void Evaluate_GainFromCGrowingAbove800_DiminishingDoesNotHold()
    {
        var claims = SweepClaims.Evaluate(Grid("capacity", [600, 800, 1000], [100], (_, c, _) => c == 600 ? 0.5 : c == 800 ? 0.55 : 0.7));
        var c = Find(claims, "The gain from C diminishes above 800 (fixed)");
        Assert.False(c.Holds);
        Assert.Equal("mean success over loads gains +0.0500 from C = 600 to 800 and +0.1500 from 800 to 1000.", c.Evidence);
    }
}
