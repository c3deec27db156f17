using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// Ascon-AEAD128 (NIST SP 800-232, "Ascon-Based Lightweight Cryptography Standards for Constrained Devices",
/// August 2025, section 4: 128-bit key, 128-bit nonce, 128-bit tag) by BouncyCastle's <see cref="AsconAead128"/>,
/// for the `ascon` sealing mode. The key is the first 128 bits of the epoch's QKD key (the rest is not used);
/// the nonce is four zero bytes followed by the message header's 12-byte nonce field (0^32 || 0^32 || sequence),
/// so it never repeats under one key. Tag failures are <see cref="AuthenticationTagMismatchException"/>, as with AesGcm.
/// </summary>
public sealed class AsconCipher : IDisposable
{
    public const int KeyLength = 16;
    public const int NonceLength = 16;
    public const int TagLength = 16;
    private readonly byte[] _key;
    private readonly AsconAead128 _engine = new();

    public AsconCipher(ReadOnlySpan<byte> key)
    {
        if (key.Length < KeyLength)
        {
            throw new ArgumentException($"Ascon-AEAD128 needs a key of at least {KeyLength} bytes, but got {key.Length} bytes.", nameof(key));
        }
        _key = key[..KeyLength].ToArray();
    }

    /// <summary>The 16-byte Ascon nonce for a sealed message's 12-byte header nonce field.</summary>
    public static byte[] NonceOf(ReadOnlySpan<byte> headerNonce)
    {
        var nonce = new byte[NonceLength];
        headerNonce.CopyTo(nonce.AsSpan(NonceLength - headerNonce.Length));
        return nonce;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length) and <paramref name="tag"/> (16 bytes).</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        _engine.Init(true, new AeadParameters(new KeyParameter(_key), TagLength * 8, nonce.ToArray(), associatedData.ToArray()));
        var output = new byte[plaintext.Length + TagLength];
        var n = _engine.ProcessBytes(plaintext, output);
        n += _engine.DoFinal(output.AsSpan(n));
        output.AsSpan(0, plaintext.Length).CopyTo(ciphertext);
        output.AsSpan(plaintext.Length, TagLength).CopyTo(tag);
    }

    /// <summary>Verifies <paramref name="tag"/> and decrypts; throws <see cref="AuthenticationTagMismatchException"/> on any change (plaintext then cleared).</summary>
    public void Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        _engine.Init(false, new AeadParameters(new KeyParameter(_key), TagLength * 8, nonce.ToArray(), associatedData.ToArray()));
        var input = new byte[ciphertext.Length + TagLength];
        ciphertext.CopyTo(input);
        tag.CopyTo(input.AsSpan(ciphertext.Length));
        var output = new byte[ciphertext.Length];
        try
        {
            var n = _engine.ProcessBytes(input, output);
            _engine.DoFinal(output.AsSpan(n));
        }
        catch (InvalidCipherTextException e)
        {
            CryptographicOperations.ZeroMemory(output);
            throw new AuthenticationTagMismatchException("Ascon-AEAD128 tag mismatch.", e);
        }
        output.CopyTo(plaintext);
        CryptographicOperations.ZeroMemory(output);
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
