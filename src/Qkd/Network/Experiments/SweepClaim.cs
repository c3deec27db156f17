namespace Qkd.Network;

/// <summary>One of seed 003's claims about Figs. 4/5, whether the points of a sweep support it, and the numbers that decide it.</summary>
/// <param name="Claim">The claim, paraphrased.</param>
/// <param name="Holds">True when the points support it everywhere.</param>
/// <param name="Evidence">The numbers that decide it.</param>
/// <param name="HoldsForSomeValues">True when it fails overall but holds for some values of the varied parameter.</param>
public sealed record SweepClaim(string Claim, bool Holds, string Evidence, bool HoldsForSomeValues = false);
