namespace Qkd.Gateway.Sealing;

/// <summary>Result of opening a message: a value, not an exception (STYLE: expected outcomes are values).</summary>
public abstract record OpenOutcome
{
    /// <summary>Authenticated and decrypted.</summary>
    public sealed record Opened(SealedHeader Header, byte[] Plaintext) : OpenOutcome;

    /// <summary>The key of <see cref="Header"/> is not known yet: fetch it from the KME (dec_keys) and call Install.</summary>
    public sealed record NeedsKey(SealedHeader Header) : OpenOutcome;

    /// <summary>
    /// An authentic copy of a message already accepted (a retransmission whose acknowledgement was lost, or a replay):
    /// nothing is delivered again and no state changes; the receiver acknowledges it again.
    /// </summary>
    public sealed record Duplicate(SealedHeader Header) : OpenOutcome;

    /// <summary>Rejected, nothing delivered and no state changed.</summary>
    public sealed record Rejected(RejectReason Reason, SealedHeader? Header) : OpenOutcome;

    private OpenOutcome() { }
}
