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

    /// <summary>A classical message failed authentication: the round was aborted.</summary>
    AuthenticationFailure,
}
