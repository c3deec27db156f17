namespace Qkd.Gateway.Sealing;

/// <summary>How a gateway protects a message with QKD key (docs/gateway.md). The byte value is on the wire.</summary>
public enum SealingMode : byte
{
    /// <summary>AES-256-GCM keyed directly with a 256-bit QKD key, refreshed by policy.</summary>
    AesGcm = 1,

    /// <summary>One-time pad with QKD key bits plus a one-time Poly1305 MAC keyed with further QKD key bits.</summary>
    Otp = 2,

    /// <summary>AES-256-GCM keyed with HKDF-SHA256(QKD key || ML-KEM-768 shared secret).</summary>
    Hybrid = 3,

    /// <summary>Ascon-AEAD128 (NIST SP 800-232) keyed with the first 128 bits of a 256-bit QKD key, refreshed like AES-GCM.</summary>
    Ascon = 4,
}
