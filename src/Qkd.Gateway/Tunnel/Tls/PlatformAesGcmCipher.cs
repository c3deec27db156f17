using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// The record protection of TLS_AES_*_GCM suites (RFC 8446 section 5.2) done by the platform's AES-GCM
/// (System.Security.Cryptography.AesGcm: AES-NI and carry-less multiply where the CPU has them) instead of
/// BouncyCastle's managed GCM (about ten times slower on the loopback run, docs/tunnel.md); BouncyCastle still does
/// the handshake, key schedule, per-record nonces and KeyUpdate. OpenSSL interoperability tests cover it.
/// </summary>
internal sealed class PlatformAesGcmCipher(bool encrypting) : TlsAeadCipherImpl, IDisposable
{
    private const int TagBytes = 16;
    private AesGcm? _aes;
    private byte[] _nonce = [];
    private byte[]? _associatedData;

    public void SetKey(byte[] key, int keyOff, int keyLen) => SetKey(key.AsSpan(keyOff, keyLen));

    public void SetKey(ReadOnlySpan<byte> key)
    {
        _aes?.Dispose();
        _aes = new AesGcm(key, TagBytes);
    }

    public void Init(byte[] nonce, int macSize, byte[] additionalData)
    {
        if (macSize != TagBytes)
        {
            throw new TlsFatalAlert(AlertDescription.internal_error, $"AES-GCM record tag must be {TagBytes} bytes, but {macSize} were asked for.");
        }
        _nonce = nonce;
        _associatedData = additionalData;
    }

    public int GetOutputSize(int inputLength) => encrypting ? inputLength + TagBytes : inputLength - TagBytes;

    public int DoFinal(byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset)
        => DoFinal(_associatedData, input, inputOffset, inputLength, output, outputOffset);

    public int DoFinal(byte[]? additionalData, byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset)
    {
        var aes = _aes ?? throw new TlsFatalAlert(AlertDescription.internal_error, "AES-GCM used before its key was set.");
        if (encrypting)
        {
            aes.Encrypt(_nonce, input.AsSpan(inputOffset, inputLength), output.AsSpan(outputOffset, inputLength),
                output.AsSpan(outputOffset + inputLength, TagBytes), additionalData);
            return inputLength + TagBytes;
        }
        var plaintextLength = inputLength - TagBytes;
        if (plaintextLength < 0)
        {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac);
        }
        try
        {
            aes.Decrypt(_nonce, input.AsSpan(inputOffset, plaintextLength), input.AsSpan(inputOffset + plaintextLength, TagBytes),
                output.AsSpan(outputOffset, plaintextLength), additionalData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac, e);
        }
        return plaintextLength;
    }

    public void Reset()
    {
    }

    /// <summary>Frees the platform key handle (BouncyCastle drops the cipher without disposing it; the handle's finalizer then frees it).</summary>
    public void Dispose() => _aes?.Dispose();
}
