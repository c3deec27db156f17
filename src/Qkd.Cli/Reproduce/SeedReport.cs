using System.Collections.Immutable;

namespace Qkd.Cli.Reproduce;

/// <summary>The figures and claim checks of one seed paper.</summary>
/// <param name="Seed">seed-000 to seed-003.</param>
/// <param name="Paper">The paper, cited.</param>
/// <param name="Reading">Our reading of the paper's parameters.</param>
/// <param name="Figures">Key-rate figures (seeds 000-002).</param>
/// <param name="Claims">Claim-by-claim verdicts.</param>
/// <param name="Body">Markdown after the claim table for seeds whose figures are not key-rate curves (seed 003), or null.</param>
/// <param name="OtherFiles">Files written besides <paramref name="Figures"/>' (names relative to the output directory).</param>
public sealed record SeedReport(string Seed, string Paper, string Reading, ImmutableArray<ReproducedFigure> Figures, ImmutableArray<ClaimCheck> Claims,
    string? Body = null, ImmutableArray<string> OtherFiles = default)
{
    /// <summary>Every file this seed wrote, relative to the output directory.</summary>
    public IEnumerable<string> AllFiles => Figures.SelectMany(f => f.Files).Concat(OtherFiles.IsDefault ? [] : OtherFiles);
}
