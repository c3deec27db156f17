namespace Qkd.Bb84.Link;

/// <summary>Which prepare-and-measure encoding the link runs.</summary>
public enum ProtocolKind
{
    /// <summary>
    /// Four-state BB84 (Bennett and Brassard 1984) in polarisation: Z = {H, V}, X = {D, A}; both
    /// bases carry key (seeds 000, 001, 004).
    /// </summary>
    Bb84,

    /// <summary>
    /// Three-state time-bin BB84 with one decoy (seed 002, Turin; Rusca et al., APL 112, 171104, 2018):
    /// Alice sends |0>, |1> (early/late time bin) in Z and only |+> in X. Z carries the key, X monitors.
    /// </summary>
    ThreeState,
}
