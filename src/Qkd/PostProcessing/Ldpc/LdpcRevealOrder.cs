namespace Qkd.PostProcessing.Ldpc;

/// <summary>Which bits a blind round of LDPC reconciliation reveals after a failed decoding.</summary>
public enum LdpcRevealOrder
{
    /// <summary>
    /// Symmetric blind reconciliation (Kiktenko, Trushechkin, Lim, Kurochkin, Fedorov, "Symmetric blind information
    /// reconciliation for quantum key distribution", Phys. Rev. Applied 8, 044017 (2017), arXiv:1612.03673):
    /// Bob names the positions his decoder is least sure of (smallest |L_v| among the punctured and key bits not
    /// yet known) and Alice answers with her values there. Costs Bob's positions on the wire (not in the leak:
    /// docs/postprocessing.md section 7).
    /// </summary>
    LeastReliable,

    /// <summary>
    /// Blind reconciliation as first published (Martinez-Mateo, Elkouss, Martin, Quantum Inf. Comput. 12, 791 (2012)):
    /// Alice reveals the next punctured bits, then key bits in a public seeded order
    /// (<see cref="LdpcFramePlan.RevealPosition"/>); Bob answers one status byte.
    /// </summary>
    Fixed,
}
