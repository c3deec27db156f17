using Qkd.Bits;
using Qkd.KeyRate.FiniteKey;

namespace Qkd.PostProcessing;

/// <summary>
/// One block of sifted key as the two parties hold it (equal length), with the one-decoy counts of the block
/// when the source is a weak-coherent laser (then the output length follows Rusca et al. 2018 instead of the
/// single-photon bound).
/// </summary>
/// <param name="Alice">Alice's sifted bits.</param>
/// <param name="Bob">Bob's sifted bits.</param>
/// <param name="Counts">Decoy statistics of the block, or null for a binary-symmetric-channel block.</param>
/// <param name="SinglePhoton">Vacuum+weak decoy bounds on the key bits' single-photon content (four-state BB84 with a
/// weak-coherent source), or null; used when <paramref name="Counts"/> and <paramref name="VacuumWeak"/> are null
/// (<see cref="DecoyKeyLength"/>, asymptotic in the decoy estimation).</param>
/// <param name="VacuumWeak">Vacuum + weak decoy counts of the block (four-state BB84 with a signal, weak decoy and vacuum),
/// or null; the output length then follows the finite-key <see cref="VacuumWeakSignalKey"/>.</param>
public sealed record SiftedBlock(BitString Alice, BitString Bob, OneDecoyCounts? Counts = null, SinglePhotonEstimate? SinglePhoton = null,
    VacuumWeakCounts? VacuumWeak = null);
