namespace Qkd.PostProcessing;

/// <summary>How a block ended.</summary>
public enum BlockOutcome
{
    /// <summary>Reconciled, verified and amplified into secret key (possibly of length 0 when the bound gives none).</summary>
    Secret,

    /// <summary>Verification hashes differed after reconciliation: the block is discarded.</summary>
    FrameError,

    /// <summary>The estimated QBER is above the abort threshold: nothing was reconciled.</summary>
    QberAboveThreshold,

    /// <summary>
    /// The block's transcript failed authentication (a tag mismatch, or a malformed, out-of-order or injected
    /// message for the block): aborted, no key.
    /// </summary>
    AuthenticationFailure,

    /// <summary>No authentication key was left to tag the block's transcript: not started, no key.</summary>
    AuthenticationKeyExhausted,

    /// <summary>The conversation stalled (a message dropped, the peer gone, a receive timeout): aborted, no key.</summary>
    ChannelFailure,

    /// <summary>
    /// Cascade parities were inconsistent beyond any honest run (a forged parity or query): Bob stopped at
    /// <see cref="CascadeBob.WorkBound"/> instead of searching forever; aborted, no key.
    /// </summary>
    ReconciliationDiverged,
}
