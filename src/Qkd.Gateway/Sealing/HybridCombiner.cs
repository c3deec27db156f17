using System.Security.Cryptography;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// Combines a QKD key with an ML-KEM-768 shared secret into one AES-256 session key, so that the session
/// key stays secret as long as either input does (a "dual-PRF" concatenation combiner).
/// </summary>
/// <remarks>
/// K_session = HKDF-SHA256(salt = "qkd-gateway/hybrid/v1", IKM = K_qkd || ss_mlkem,
///                          info = keyID (16 bytes, RFC 4122 order) || SHA-256(c_mlkem), L = 32 bytes).
/// K_qkd: the QKD key (256 bits, ETSI GS QKD 014 delivery); ss_mlkem: the ML-KEM-768 shared secret (32 bytes,
/// NIST FIPS 203, 2024, Algorithm 20 ML-KEM.Encaps / 21 ML-KEM.Decaps); c_mlkem: the ML-KEM ciphertext (1088 bytes).
/// Sources: HKDF, Krawczyk, CRYPTO 2010 / RFC 5869 (extract-then-expand); concatenating the shared secrets
/// before the KDF is the hybrid form Z' = Z || T of NIST SP 800-56C Rev. 2 (2020), section 2, and is a secure
/// combiner when HMAC is a dual PRF (Bindel, Brendel, Fischlin, Goncalves, Stebila, "Hybrid Key Encapsulation
/// Mechanisms and Authenticated Key Exchange", PQCrypto 2019, section 3); binding the KEM ciphertext into the
/// derivation follows Giacon, Heuer, Poettering, "KEM Combiners", PKC 2018 (ciphertext in the combiner keeps
/// it CCA-secure when one component is broken). Valid for one QKD key and one encapsulation per key epoch.
/// </remarks>
public static class HybridCombiner
{
    /// <summary>The HKDF salt (a fixed domain-separation label).</summary>
    public static ReadOnlySpan<byte> Salt => "qkd-gateway/hybrid/v1"u8;

    /// <summary>Derives the 32-byte session key into <paramref name="sessionKey"/>; intermediate buffers are wiped.</summary>
    public static void Derive(ReadOnlySpan<byte> qkdKey, ReadOnlySpan<byte> mlKemSecret, ReadOnlySpan<byte> kemCiphertext, Guid keyId, Span<byte> sessionKey)
    {
        if (qkdKey.Length < 16 || mlKemSecret.Length != 32 || sessionKey.Length != 32)
        {
            throw new ArgumentException($"Hybrid combiner needs a QKD key of at least 128 bits, a 32-byte ML-KEM secret and a 32-byte output, but got {qkdKey.Length * 8} bits, {mlKemSecret.Length} and {sessionKey.Length} bytes.");
        }
        var ikm = new byte[qkdKey.Length + mlKemSecret.Length];
        try
        {
            qkdKey.CopyTo(ikm);
            mlKemSecret.CopyTo(ikm.AsSpan(qkdKey.Length));
            Span<byte> info = stackalloc byte[16 + 32];
            keyId.TryWriteBytes(info[..16], bigEndian: true, out _);
            SHA256.HashData(kemCiphertext, info[16..]);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, sessionKey, Salt, info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>FIPS 204 context string of the sender's signature over its encapsulation.</summary>
    public static ReadOnlySpan<byte> SignatureContext => "qkd-gateway/hybrid-kem/v2"u8;

    /// <summary>
    /// What the sender signs with ML-DSA-65 when it starts a hybrid epoch: AD(topic, keyID || SHA-256(c_mlkem) ||
    /// SHA-256(ek_receiver)), i.e. the stream, the QKD key the epoch uses, the ML-KEM ciphertext and the receiver it was
    /// encapsulated to. Whoever knows K_qkd (a trusted relay) but not the sender's signing key cannot start an epoch
    /// under an encapsulation of their own, so cannot learn a session key the receiver accepts (docs/gateway.md).
    /// </summary>
    public static byte[] EncapsulationStatement(string topic, Guid keyId, ReadOnlySpan<byte> kemCiphertext, ReadOnlySpan<byte> receiverEncapsulationKey)
    {
        Span<byte> body = stackalloc byte[16 + 32 + 32];
        keyId.TryWriteBytes(body[..16], bigEndian: true, out _);
        SHA256.HashData(kemCiphertext, body.Slice(16, 32));
        SHA256.HashData(receiverEncapsulationKey, body[48..]);
        return StreamTopic.AssociatedData(topic, body);
    }
}
