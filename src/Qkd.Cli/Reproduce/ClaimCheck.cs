namespace Qkd.Cli.Reproduce;

/// <summary>One claim of a seed paper, what our models compute, and the verdict.</summary>
/// <param name="Seed">seed-000 to seed-003.</param>
/// <param name="Where">Figure or section of the paper.</param>
/// <param name="Claim">The paper's statement, paraphrased.</param>
/// <param name="Verdict">Our verdict.</param>
/// <param name="Evidence">The numbers behind the verdict.</param>
public sealed record ClaimCheck(string Seed, string Where, string Claim, ClaimVerdict Verdict, string Evidence);
