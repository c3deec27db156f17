using System.Security.Cryptography;
using System.Text;

namespace Qkd.Kms.Storage;

/// <summary>
/// Wraps key material at rest with AES-256-GCM under a master key from the config (docs/kms.md,
/// "Key wrapping at rest"): stored = nonce(12) || ciphertext || tag(16), associated data = the
/// record's identity (unit "peer/block/index" or key ID), so a row copied onto another fails to open.
/// Without a master key, material is stored as is and the docs say so.
/// </summary>
public sealed class KeyWrapper : IDisposable
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly AesGcm? _aes;

    public KeyWrapper(byte[]? masterKey)
    {
        _aes = masterKey is null ? null : new AesGcm(masterKey, TagBytes);
    }

    public bool Enabled => _aes is not null;

    public byte[] Wrap(ReadOnlySpan<byte> plain, string identity)
    {
        if (_aes is null)
        {
            return plain.ToArray();
        }
        var stored = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = stored.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        _aes.Encrypt(nonce, plain, stored.AsSpan(NonceBytes, plain.Length), stored.AsSpan(NonceBytes + plain.Length), Encoding.UTF8.GetBytes(identity));
        return stored;
    }

    /// <summary>Opens a wrapped record; a tag mismatch (tampering, wrong master key, moved row) throws CryptographicException.</summary>
    public byte[] Unwrap(byte[] stored, string identity)
    {
        if (_aes is null)
        {
            return stored;
        }
        var length = stored.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        _aes.Decrypt(stored.AsSpan(0, NonceBytes), stored.AsSpan(NonceBytes, length), stored.AsSpan(NonceBytes + length), plain, Encoding.UTF8.GetBytes(identity));
        return plain;
    }

    public static string UnitIdentity(string peer, UnitRef unit) => $"{peer}/{unit.BlockId:D}/{unit.Index}";

    public static string KeyIdentity(Guid keyId) => $"key/{keyId:D}";

    public void Dispose() => _aes?.Dispose();
}
