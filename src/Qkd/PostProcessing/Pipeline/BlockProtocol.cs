using Qkd.Bits;
using Qkd.KeyRate.FiniteKey;

namespace Qkd.PostProcessing;

/// <summary>
/// The per-block conversation as two message-driven state machines: parameter estimation (Alice discloses a
/// random sample, Bob answers with the error count), Cascade (or one-way LDPC with blind rounds, every LDPC message
/// absorbed into the transcript like Cascade's; an LDPC frame error ends the block with no key), then one closing exchange: Alice sends the
/// verification hash (fresh polynomial hash key and tag), the privacy-amplification output length and Toeplitz
/// seed, and her authentication tag over the block's whole transcript; Bob checks both, amplifies and answers
/// with his status and his tag over the transcript including that answer; Alice checks it and amplifies.
/// <see cref="IBlockParty.Start"/> gives a party's first message (or null when it waits),
/// <see cref="IBlockParty.Handle"/> consumes one message from the other party and returns the reply (or null).
/// Exactly one side holds the turn at any time.
/// </summary>
/// <remarks>
/// Transcript authentication (Wegman-Carter 1981 with key recycling, Portmann 2014; the QKD practice of
/// Kiktenko, Malyshev, Gavreev, Bozhedarov, Pozhar, Anufriev, Fedorov, "Lightweight authentication for quantum
/// key distribution", IEEE Trans. Inf. Theory 66, 6354 (2020), Sec. III): every message of the block is hashed by
/// both parties into a <see cref="TranscriptHash"/>, and only two tags cross the channel, each one-time padded
/// with a pad reserved for this block. Nothing from the conversation is trusted before the other party's tag
/// has checked out: Bob releases key only after Alice's tag (which covers every message Alice sent and received,
/// the privacy-amplification seed included) matches his view, Alice only after Bob's does. Any tampered, dropped,
/// reordered or injected message of the block makes the two views differ, and the block ends with
/// <see cref="BlockOutcome.AuthenticationFailure"/> and no key. The cost is 128 bits of key per block.
/// </remarks>
// The rooms: AliceBlockParty and BobBlockParty are the two state machines; each exchange keeps both of its ends
// together, so a message's writer sits beside its reader: EstimationExchange (stage 1), Cascade/ and Ldpc/ (stage 2),
// ClosingExchange (verification, privacy amplification and the transcript tags). This file holds what both share.
internal static class BlockProtocol
{
    /// <summary>
    /// What every block of a run shares: the options, the public Cascade shuffles per key length, and run-scoped pools
    /// for Cascade's working buffers (<see cref="CascadeBuffers"/>).
    /// </summary>
    internal sealed record Shared(PostProcessingOptions Options, Func<int, CascadeShuffles> Shuffles)
    {
        public CascadeBuffers Buffers { get; init; } = CascadeBuffers.Shared;
    }

    /// <summary>The transcript-hash key and the two one-time pads reserved for one block.</summary>
    internal readonly record struct BlockPads(ulong HashKey, ulong AlicePad, ulong BobPad);

    /// <summary>One party's state machine for one block.</summary>
    internal interface IBlockParty
    {
        bool IsFinished { get; }

        BlockOutcome Outcome { get; }

        /// <summary>Words hashed into this block's transcript (for the forgery bound).</summary>
        long TranscriptWords { get; }

        byte[]? Start();

        /// <summary>
        /// Consumes one message from the other party and returns the reply (or null). When the reply needs the run's
        /// secret randomness, it returns null with <see cref="ReplyPending"/> set, and the loop calls
        /// <see cref="CompleteReply"/>: those steps run one after the other in frame order even when the frames of a
        /// message are handled in parallel (<see cref="FramePartner"/>), so a replayable source gives the same keys.
        /// </summary>
        byte[]? Handle(ReadOnlySpan<byte> message);

        /// <summary>True when the reply to the last message waits for <see cref="CompleteReply"/>.</summary>
        bool ReplyPending { get; }

        /// <summary>The reply that <see cref="Handle"/> left pending (drawing from the secret randomness).</summary>
        byte[]? CompleteReply();

        /// <summary>Ends the block without key (wiping working key material).</summary>
        void Abort(BlockOutcome reason);
    }

    /// <summary>Sample size k = round(fraction * n), within [1, n - 2].</summary>
    public static int SampleSize(int n, double fraction) => (int)Math.Clamp(Math.Round(fraction * n), 1, Math.Max(1, n - 2));

    /// <summary>QBER estimate from decoy counts: m_Z / n_Z.</summary>
    public static double DecoyQber(OneDecoyCounts counts) => counts.DetectionsZ > 0 ? Math.Clamp(counts.ErrorsZ / counts.DetectionsZ, 0, 0.5) : 0.5;

    /// <summary>
    /// What both parties of a block hold from the start: the block, the shared settings, and the block's pads and
    /// transcript, which are absent when the authentication key is exhausted (the party then ends at once).
    /// </summary>
    internal abstract class BlockParty
    {
        protected readonly SiftedBlock _block;
        protected readonly Shared _shared;
        protected readonly BlockPads _pads;
        protected readonly TranscriptHash? _transcript;

        protected BlockParty(SiftedBlock block, Shared shared, long index, BlockPads? pads)
        {
            _block = block;
            _shared = shared;
            if (pads is { } p)
            {
                _pads = p;
                _transcript = new TranscriptHash(p.HashKey, index);
            }
            else
            {
                // No pads were left for this block: it ends before it starts.
                Outcome = BlockOutcome.AuthenticationKeyExhausted;
                _phase = Phase.Done;
            }
        }

        /// <summary>Where the party's conversation stands.</summary>
        protected enum Phase { Estimation, Reconciliation, Closing, Done }

        protected Phase _phase;

        public BlockOutcome Outcome { get; protected set; } = BlockOutcome.AuthenticationFailure;

        /// <summary>The block's secret key once the other party's tag checked out.</summary>
        public BitString? Secret { get; protected set; }

        public bool IsFinished => _phase == Phase.Done;

        public long TranscriptWords => _transcript?.Words ?? 0;
    }
}
