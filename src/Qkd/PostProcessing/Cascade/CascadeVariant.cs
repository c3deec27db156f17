using System.Collections.Immutable;

namespace Qkd.PostProcessing;

/// <summary>How a Cascade variant chooses the block size k_i of pass i.</summary>
public enum CascadeBlockRule
{
    /// <summary>k_1 = ceil(0.73/p), k_i = 2 k_(i-1) (Brassard and Salvail 1993).</summary>
    Original,

    /// <summary>k_1 = ceil(0.92/p), k_2 = 3 k_1, then BICONF rounds (Martinez-Mateo et al. 2015, "mod. (1)").</summary>
    Biconf,

    /// <summary>k_1 = ceil(0.80/p), k_2 = 5 k_1, k_i = n/2 (Yan et al. 2008; "opt. (2)" in Martinez-Mateo et al.).</summary>
    Yan,

    /// <summary>k_1 = 2^ceil(log2(1/p)), k_2 = 4 k_1, k_i = n/2 ("opt. (7)" in Martinez-Mateo et al. 2015).</summary>
    Option7,

    /// <summary>k_1 = 2^ceil(a), k_2 = 2^ceil((a+12)/2), k_3 = 4096, k_i = n/2, a = log2(1/p) - 1/2 ("opt. (8)").</summary>
    Option8,
}

/// <summary>
/// A named Cascade configuration: number of passes, block-size rule, BICONF rounds and whether parities
/// learnt during earlier binary searches are reused ("subblock reuse").
/// </summary>
/// <remarks>
/// Parameters from Martinez-Mateo, Pacher, Peev, Ciurana, Martin, "Demystifying the information
/// reconciliation protocol Cascade", Quantum Inf. Comput. 15, 453 (2015), arXiv:1407.3257, Sec. 5-6 and
/// the parameter list of their Table/figures ("Cascade orig.", "mod. (1)", "opt. (2)", "opt. (7)", "opt. (8)"),
/// cross-checked against the parameter table of the cascade-cpp reference implementation (B. Rijsman).
/// The original protocol: Brassard and Salvail, "Secret-key reconciliation by public discussion",
/// EUROCRYPT '93, LNCS 765, 410 (1994).
/// </remarks>
/// <param name="Name">CLI name, e.g. <c>cascade-opt8</c>.</param>
/// <param name="Rule">Block-size rule.</param>
/// <param name="Passes">Number of normal Cascade passes (with shuffles between them).</param>
/// <param name="SubblockReuse">Reuse Alice's parities of sub-blocks learnt in earlier binary searches.</param>
/// <param name="BiconfStreak">For BICONF variants: stop after this many consecutive error-free BICONF rounds (0: none).</param>
/// <param name="Description">One line for --help.</param>
public sealed record CascadeVariant(string Name, CascadeBlockRule Rule, int Passes, bool SubblockReuse, int BiconfStreak, string Description)
{
    /// <summary>Smallest QBER used in block-size formulas (avoids infinite blocks at p = 0).</summary>
    public const double MinimumQber = 1e-5;

    /// <summary>Upper limit of BICONF rounds, whatever the streak.</summary>
    public const int MaxBiconfRounds = 40;

    /// <summary>The original protocol, 4 passes.</summary>
    public static CascadeVariant Original { get; } = new("cascade-original", CascadeBlockRule.Original, 4, false, 0,
        "Brassard-Salvail 1993: k1=0.73/p, doubling, 4 passes");

    /// <summary>Two Cascade passes then BICONF until 10 error-free rounds.</summary>
    public static CascadeVariant Biconf { get; } = new("cascade-biconf", CascadeBlockRule.Biconf, 2, false, 10,
        "k1=0.92/p, k2=3k1, then BICONF until 10 clean rounds");

    /// <summary>Yan et al. 2008 block sizes, 10 passes, subblock reuse (as cascade-cpp's <c>yanetal</c>, whose block tree always reuses).</summary>
    public static CascadeVariant Yan { get; } = new("cascade-yan", CascadeBlockRule.Yan, 10, true, 0,
        "Yan et al. 2008: k1=0.8/p, k2=5k1, then n/2, 10 passes; subblock reuse");

    /// <summary>Martinez-Mateo et al. option 7: power-of-two blocks, subblock reuse, 14 passes.</summary>
    public static CascadeVariant Option7 { get; } = new("cascade-opt7", CascadeBlockRule.Option7, 14, true, 0,
        "Martinez-Mateo et al. 2015 opt.(7): k1=2^ceil(log2 1/p), k2=4k1, n/2; subblock reuse, 14 passes");

    /// <summary>Martinez-Mateo et al. option 8: tuned power-of-two blocks, subblock reuse, 14 passes.</summary>
    public static CascadeVariant Option8 { get; } = new("cascade-opt8", CascadeBlockRule.Option8, 14, true, 0,
        "Martinez-Mateo et al. 2015 opt.(8): k1=2^ceil(a), k2=2^ceil((a+12)/2), 4096, n/2; subblock reuse, 14 passes");

    /// <summary>Every variant, in the order --help lists them.</summary>
    public static ImmutableArray<CascadeVariant> All { get; } = [Option8, Option7, Yan, Biconf, Original];

    /// <summary>The most efficient variant (lowest f in docs/postprocessing.md): the default.</summary>
    public static CascadeVariant Default => Option8;

    /// <summary>Variant names.</summary>
    public static ImmutableArray<string> Names { get; } = [.. All.Select(v => v.Name)];

    /// <summary>Finds a variant by its name.</summary>
    public static CascadeVariant? FromName(string name)
    {
        foreach (var v in All)
        {
            if (v.Name == name)
            {
                return v;
            }
        }
        return null;
    }

    /// <summary>
    /// Block size of 1-based pass <paramref name="pass"/> for estimated QBER <paramref name="qber"/> and key length
    /// <paramref name="n"/> [bits], clamped to [1, n]. BICONF rounds use ceil(n/2).
    /// </summary>
    public int BlockSize(int pass, double qber, int n)
    {
        Guard.InRange(pass, 1, int.MaxValue);
        Guard.InRange(n, 1, int.MaxValue);
        var p = Math.Max(qber, MinimumQber);
        double k;
        if (pass > Passes)
        {
            k = (n + 1) / 2;
        }
        else
        {
            k = Rule switch
            {
                CascadeBlockRule.Original => Math.Ceiling(0.73 / p) * Math.Pow(2, pass - 1),
                CascadeBlockRule.Biconf => Math.Ceiling(0.92 / p) * Math.Pow(3, pass - 1),
                CascadeBlockRule.Yan => pass switch { 1 => Math.Ceiling(0.80 / p), 2 => 5 * Math.Ceiling(0.80 / p), _ => n / 2 },
                CascadeBlockRule.Option7 => pass switch
                {
                    1 => Math.Pow(2, Math.Ceiling(Math.Log2(1 / p))),
                    2 => 4 * Math.Pow(2, Math.Ceiling(Math.Log2(1 / p))),
                    _ => n / 2,
                },
                _ => Option8Size(pass, p, n),
            };
        }
        return (int)Math.Clamp(k, 1, n);
    }

    private static double Option8Size(int pass, double p, int n)
    {
        var a = Math.Log2(1 / p) - 0.5;
        return pass switch
        {
            1 => Math.Pow(2, Math.Ceiling(a)),
            2 => Math.Pow(2, Math.Ceiling((a + 12) / 2)),
            3 => 4096,
            _ => n / 2,
        };
    }
}
