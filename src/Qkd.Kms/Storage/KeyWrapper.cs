using System.Security.Cryptography;
using System.Text;

namespace Qkd.Kms.Storage;

/// <summary>
/// Wraps key material at rest with AES-256-GCM (docs/kms.md, "Key wrapping at rest"). Each record is
/// encrypted under its own key, HKDF-SHA256 (RFC 5869) of the wrapping key with the record's identity
/// (unit "peer/block/index" or key ID) as info, so no AES-GCM key meets more than a handful of random
/// 96-bit nonces (NIST SP 800-38D, 2007, section 8.3 limits one key to 2^32 random nonces), and a row
/// copied onto another fails to open (the identity is also the associated data).
/// Stored = version(1) || wrapping-key ID(4) || nonce(12) || ciphertext || tag(16). Several wrapping
/// keys can open records (rotation: the first wraps, all unwrap, chosen by key ID); records written
/// before per-record keys (nonce || ciphertext || tag under the wrapping key itself) still open.
/// Without a wrapping key, material is stored as is (only with --insecure-dev-store, docs/kms.md).
/// </summary>
public sealed class KeyWrapper
{
    private const byte Version = 1;
    private const int HeaderBytes = 5;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] InfoPrefix = "qkd-kms/wrap/v1/"u8.ToArray();

    private readonly byte[][] _keys;
    private readonly uint[] _ids;

    /// <summary>A wrapper that wraps under <paramref name="current"/> and opens records of it and of <paramref name="previous"/> (null: no wrapping).</summary>
    public KeyWrapper(byte[]? current, IReadOnlyList<byte[]>? previous = null)
    {
        _keys = current is null ? [] : [current, .. previous ?? []];
        _ids = [.. _keys.Select(KeyId)];
    }

    public bool Enabled => _keys.Length > 0;

    /// <summary>A wrapping key's public 32-bit ID (first bytes of HKDF with info "id"), stored in each record.</summary>
    public static uint KeyId(byte[] wrappingKey)
    {
        Span<byte> id = stackalloc byte[4];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, wrappingKey, id, [], "qkd-kms/wrap-key-id"u8);
        return BitConverter.ToUInt32(id);
    }

    public byte[] Wrap(ReadOnlySpan<byte> plain, string identity)
    {
        if (_keys.Length == 0)
        {
            return plain.ToArray();
        }
        var ad = Encoding.UTF8.GetBytes(identity);
        var stored = new byte[HeaderBytes + NonceBytes + plain.Length + TagBytes];
        stored[0] = Version;
        BitConverter.TryWriteBytes(stored.AsSpan(1, 4), _ids[0]);
        var nonce = stored.AsSpan(HeaderBytes, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = RecordCipher(_keys[0], ad);
        aes.Encrypt(nonce, plain, stored.AsSpan(HeaderBytes + NonceBytes, plain.Length), stored.AsSpan(HeaderBytes + NonceBytes + plain.Length), ad);
        return stored;
    }

    /// <summary>Opens a wrapped record; a tag mismatch (tampering, unknown wrapping key, moved row) throws CryptographicException.</summary>
    public byte[] Unwrap(byte[] stored, string identity)
    {
        if (_keys.Length == 0)
        {
            return stored;
        }
        var ad = Encoding.UTF8.GetBytes(identity);
        if (stored.Length >= HeaderBytes + NonceBytes + TagBytes && stored[0] == Version)
        {
            var id = BitConverter.ToUInt32(stored, 1);
            for (var k = 0; k < _keys.Length; k++)
            {
                if (_ids[k] == id)
                {
                    using var aes = RecordCipher(_keys[k], ad);
                    return Open(aes, stored.AsSpan(HeaderBytes), ad);
                }
            }
        }
        // A record from before per-record keys: AES-GCM under the wrapping key itself.
        foreach (var key in _keys)
        {
            using var legacy = new AesGcm(key, TagBytes);
            try
            {
                return Open(legacy, stored, ad);
            }
            catch (AuthenticationTagMismatchException) when (key != _keys[^1])
            {
            }
        }
        throw new AuthenticationTagMismatchException("the record opens under none of the configured wrapping keys");
    }

    private static byte[] Open(AesGcm aes, ReadOnlySpan<byte> sealedRecord, byte[] ad)
    {
        var length = sealedRecord.Length - NonceBytes - TagBytes;
        if (length < 0)
        {
            throw new AuthenticationTagMismatchException("a wrapped record is shorter than its nonce and tag");
        }
        var plain = new byte[length];
        aes.Decrypt(sealedRecord[..NonceBytes], sealedRecord.Slice(NonceBytes, length), sealedRecord[(NonceBytes + length)..], plain, ad);
        return plain;
    }

    /// <summary>AES-256-GCM under HKDF-SHA256(wrapping key, info = prefix || identity); the derived key is wiped once the cipher holds it.</summary>
    private static AesGcm RecordCipher(byte[] wrappingKey, byte[] identity)
    {
        Span<byte> info = stackalloc byte[InfoPrefix.Length + identity.Length];
        InfoPrefix.CopyTo(info);
        identity.CopyTo(info[InfoPrefix.Length..]);
        Span<byte> recordKey = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, wrappingKey, recordKey, [], info);
        try
        {
            return new AesGcm(recordKey, TagBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(recordKey);
        }
    }

    public static string UnitIdentity(string peer, UnitRef unit) => $"{peer}/{unit.BlockId:D}/{unit.Index}";

    public static string KeyIdentity(Guid keyId) => $"key/{keyId:D}";
}
