namespace Qkd.Gateway.Sealing;

/// <summary>Why a received message was not accepted.</summary>
public enum RejectReason
{
    /// <summary>Not a well-formed sealed message of this version.</summary>
    Malformed,

    /// <summary>Sequence number (or OTP pad offset) not above the last accepted one of the same key epoch.</summary>
    Replay,

    /// <summary>Sealed under a key epoch that has already been superseded.</summary>
    StaleKey,

    /// <summary>Tag did not verify: modified, forged, or sealed under another key.</summary>
    Forged,

    /// <summary>First message of a hybrid epoch seen without its ML-KEM ciphertext.</summary>
    MissingKemCiphertext,

    /// <summary>The message claims pad bytes beyond the end of its OTP key.</summary>
    PadOverrun,

    /// <summary>The key was refused by the KME (unknown, already delivered, wrong master).</summary>
    KeyUnavailable,

    /// <summary>The sender SAE named in the header is not configured at this receiver.</summary>
    UnknownSender,

    /// <summary>The message's sealing mode is not the one pinned for its sender.</summary>
    ModeNotAllowed,

    /// <summary>A hybrid epoch's encapsulation is unsigned or its ML-DSA-65 signature does not verify against the sender's configured key.</summary>
    BadSignature,

    /// <summary>OTP pad offset beyond the end of the last accepted message: pad bytes would be skipped.</summary>
    OffsetGap,

    /// <summary>The message's topic is not the topic of the stream its header names.</summary>
    WrongTopic,

    /// <summary>Too many key fetches for unknown key IDs claimed by this sender; refused without asking the KME.</summary>
    RateLimited,
}
