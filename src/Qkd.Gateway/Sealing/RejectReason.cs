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
}
