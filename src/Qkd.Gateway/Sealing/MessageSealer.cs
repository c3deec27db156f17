using System.Security.Cryptography;
using Qkd.Gateway.Etsi;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// The sending side of one stream (master SAE, device): seals plaintexts under the current QKD key epoch.
/// There is no path that outputs plaintext: without a usable key <see cref="NeedsKey"/> is true and
/// <see cref="Seal"/> throws, so the caller must hold or drop the message (docs/gateway.md, "Failure behaviour").
/// </summary>
public sealed class MessageSealer : IDisposable
{
    private readonly byte[]? _peerEncapsulationKey;
    private readonly MlDsa65? _signer;
    private QkdKey? _key;
    private AesGcm? _aes;
    private AsconCipher? _ascon;
    private byte[]? _pendingKemCiphertext;
    private byte[]? _pendingKemSignature;
    private DateTimeOffset _installedAt;
    private long _messagesUnderKey;
    private uint _otpOffset;
    private ulong _sequence;
    private byte[]? _ackKey;

    /// <param name="mode">Sealing mode.</param>
    /// <param name="senderSaeId">This gateway's SAE ID (written in every header, so the receiver knows whom to ask for the key).</param>
    /// <param name="deviceId">The stream's device ID.</param>
    /// <param name="policy">Key refresh (AES-GCM and hybrid).</param>
    /// <param name="peerEncapsulationKey">The receiver's ML-KEM-768 encapsulation key (hybrid only).</param>
    /// <param name="otpKeyBits">Size of the QKD keys requested in OTP mode [bits].</param>
    /// <param name="signer">
    /// This sender's ML-DSA-65 key pair (hybrid): it signs each epoch's encapsulation, so a receiver that pins this sender's
    /// public key knows the epoch came from this sender and not from someone else who knows the QKD key. Without it the
    /// epochs are unsigned and only a <see cref="ReceiverPolicy.Unpinned"/> receiver accepts them.
    /// </param>
    public MessageSealer(SealingMode mode, string senderSaeId, string deviceId, KeyRefreshPolicy? policy = null, byte[]? peerEncapsulationKey = null, int otpKeyBits = 8192,
        MlDsa65? signer = null)
    {
        if (mode == SealingMode.Hybrid && peerEncapsulationKey is null)
        {
            throw new ArgumentException("Hybrid mode needs the receiver's ML-KEM-768 encapsulation key.");
        }
        if (otpKeyBits < 512 || otpKeyBits % 8 != 0)
        {
            throw new ArgumentException($"OTP key size must be a multiple of 8 and at least 512 bits, but was {otpKeyBits} bits.");
        }
        Mode = mode;
        SenderSaeId = senderSaeId;
        DeviceId = deviceId;
        Policy = policy ?? KeyRefreshPolicy.Default;
        _peerEncapsulationKey = peerEncapsulationKey;
        _signer = signer;
        Topic = StreamTopic.Of(senderSaeId, deviceId);
        KeyRequestBits = mode == SealingMode.Otp ? otpKeyBits : 256;
        // Validates the IDs once, here.
        new SealedHeader(mode, Guid.Empty, 0, 0, senderSaeId, deviceId).Write(new byte[SealedHeader.FixedLength + senderSaeId.Length + deviceId.Length]);
    }

    public SealingMode Mode { get; }
    public string SenderSaeId { get; }
    public string DeviceId { get; }
    public KeyRefreshPolicy Policy { get; }

    /// <summary>The MQTT topic of this stream, authenticated with every message.</summary>
    public string Topic { get; }

    /// <summary>Size of the QKD keys this sealer asks for [bits].</summary>
    public int KeyRequestBits { get; }

    /// <summary>Key ID of the current epoch, if any.</summary>
    public Guid? CurrentKeyId => _key?.Id;

    /// <summary>
    /// The current epoch's edge-acknowledgement key (<see cref="EdgeAck"/>; derived from the epoch key, never the key
    /// itself): the sender keeps it with each sealed message until the edge acknowledges it.
    /// </summary>
    public byte[]? EpochAckKey => _ackKey;

    /// <summary>QKD key bits installed so far.</summary>
    public long KeyBitsInstalled { get; private set; }

    /// <summary>QKD key bits used by sent messages (OTP: pad and MAC bytes; AES-GCM/hybrid: whole keys once used).</summary>
    public long KeyBitsConsumed { get; private set; }

    /// <summary>Keys installed.</summary>
    public long KeysInstalled { get; private set; }

    /// <summary>Long-run QKD key demand of one stream [bit/s].</summary>
    /// <remarks>
    /// AES-GCM and hybrid: D = 256 * max(1 / T_key, r / N_key); T_key the key lifetime [s], N_key the messages
    /// per key, r the message rate [1/s]. OTP: D = r * 8 K / floor(K / (L + 32)); K the key size [bytes], L the
    /// plaintext length [bytes] (pad L bytes plus a 32-byte Poly1305 key per message; a key's tail shorter than
    /// one message is consumed unused), with the key's last 32 bytes reserved for the edge acknowledgement key, so
    /// floor((K - 32) / (L + 32)) messages per key. Counting argument, no source needed; valid for a steady message rate.
    /// </remarks>
    public static double SteadyKeyDemandBitsPerSecond(SealingMode mode, double messagesPerSecond, int plaintextLength, KeyRefreshPolicy policy, int otpKeyBits)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (mode == SealingMode.Otp)
        {
            var perKey = (otpKeyBits / 8 - EdgeAck.OtpReservedBytes) / OtpBytesPerMessage(plaintextLength);
            return perKey == 0 ? double.PositiveInfinity : messagesPerSecond * otpKeyBits / perKey;
        }
        return 256 * Math.Max(1 / policy.MaxKeyAge.TotalSeconds, messagesPerSecond / policy.MaxMessagesPerKey);
    }

    /// <summary>Bytes a message of <paramref name="plaintextLength"/> bytes takes from an OTP key.</summary>
    public static int OtpBytesPerMessage(int plaintextLength) => plaintextLength + OneTimeMac.KeyLength;

    /// <summary>False when a message of <paramref name="plaintextLength"/> bytes can never be sealed (OTP: pad and MAC longer than a whole key).</summary>
    public bool CanEverSeal(int plaintextLength) => Mode != SealingMode.Otp || OtpBytesPerMessage(plaintextLength) <= KeyRequestBits / 8 - EdgeAck.OtpReservedBytes;

    /// <summary>Bytes of an OTP key usable as pad: all but the last <see cref="EdgeAck.OtpReservedBytes"/>.</summary>
    public static int OtpPadBytes(int keyBytes) => keyBytes - EdgeAck.OtpReservedBytes;

    /// <summary>True when a fresh key must be installed before a message of <paramref name="plaintextLength"/> bytes can be sealed at <paramref name="now"/>.</summary>
    public bool NeedsKey(DateTimeOffset now, int plaintextLength)
    {
        if (_key is null)
        {
            return true;
        }
        if (Mode == SealingMode.Otp)
        {
            return _otpOffset + (long)OtpBytesPerMessage(plaintextLength) > OtpPadBytes(_key.Material.Length);
        }
        return now - _installedAt >= Policy.MaxKeyAge || _messagesUnderKey >= Policy.MaxMessagesPerKey;
    }

    /// <summary>Starts a new epoch with <paramref name="key"/> (ownership passes to the sealer; the previous key is wiped).</summary>
    public void Install(QkdKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.SizeBits != KeyRequestBits)
        {
            throw new ArgumentException($"Key {key.Id} has {key.SizeBits} bits, but this {Mode} sealer needs {KeyRequestBits} bits.");
        }
        ReleaseKey();
        _key = key;
        KeysInstalled++;
        KeyBitsInstalled += key.SizeBits;
        _installedAt = now;
        _messagesUnderKey = 0;
        _otpOffset = 0;
        _sequence = 0;
        switch (Mode)
        {
            case SealingMode.AesGcm:
                _aes = new AesGcm(key.Material, SealedHeader.TagLength);
                _ackKey = EdgeAck.DeriveKey(key.Material, key.Id);
                break;
            case SealingMode.Ascon:
                _ascon = new AsconCipher(key.Material);
                _ackKey = EdgeAck.DeriveKey(key.Material, key.Id);
                break;
            case SealingMode.Otp:
                _ackKey = EdgeAck.DeriveKey(key.Material[OtpPadBytes(key.Material.Length)..], key.Id);
                break;
            case SealingMode.Hybrid:
                Span<byte> secret = stackalloc byte[MlKem768.SharedSecretLength];
                Span<byte> session = stackalloc byte[32];
                _pendingKemCiphertext = MlKem768.Encapsulate(_peerEncapsulationKey, secret);
                _pendingKemSignature = _signer?.Sign(HybridCombiner.SignatureContext,
                    HybridCombiner.EncapsulationStatement(Topic, key.Id, _pendingKemCiphertext, _peerEncapsulationKey));
                HybridCombiner.Derive(key.Material, secret, _pendingKemCiphertext, key.Id, session);
                _aes = new AesGcm(session, SealedHeader.TagLength);
                _ackKey = EdgeAck.DeriveKey(session, key.Id);
                CryptographicOperations.ZeroMemory(secret);
                CryptographicOperations.ZeroMemory(session);
                break;
        }
    }

    /// <summary>Seals <paramref name="plaintext"/> into a new message (header || ciphertext || tag).</summary>
    /// <exception cref="InvalidOperationException">No usable key (call <see cref="NeedsKey"/> first): nothing is ever sent in clear.</exception>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, DateTimeOffset now)
    {
        if (NeedsKey(now, plaintext.Length))
        {
            throw new InvalidOperationException($"Stream {SenderSaeId}/{DeviceId} has no usable QKD key; the message must be held, not sent.");
        }
        var key = _key!;
        var sequence = _sequence;
        var header = new SealedHeader(Mode, key.Id, sequence, Mode == SealingMode.Otp ? _otpOffset : 0, SenderSaeId, DeviceId,
            Mode == SealingMode.Hybrid && sequence == 0 ? _pendingKemCiphertext : null, Mode == SealingMode.Hybrid && sequence == 0 ? _pendingKemSignature : null);
        var headerLength = header.Length;
        var message = new byte[headerLength + plaintext.Length + SealedHeader.TagLength];
        var span = message.AsSpan();
        header.Write(span);
        var associated = StreamTopic.AssociatedData(Topic, span[..headerLength]);
        var ciphertext = span.Slice(headerLength, plaintext.Length);
        var tag = span[(headerLength + plaintext.Length)..];
        if (Mode == SealingMode.Otp)
        {
            var pad = key.Material.Slice((int)_otpOffset, OtpBytesPerMessage(plaintext.Length));
            PadXor.Xor(plaintext, pad, ciphertext);
            OneTimeMac.Compute(pad[plaintext.Length..], associated, ciphertext, tag);
            _otpOffset += (uint)pad.Length;
            KeyBitsConsumed += pad.Length * 8L;
        }
        else
        {
            if (_ascon is not null)
            {
                _ascon.Encrypt(AsconCipher.NonceOf(span.Slice(33, SealedHeader.NonceLength)), plaintext, ciphertext, tag, associated);
            }
            else
            {
                _aes!.Encrypt(span.Slice(33, SealedHeader.NonceLength), plaintext, ciphertext, tag, associated);
            }
            if (_messagesUnderKey == 0)
            {
                KeyBitsConsumed += key.SizeBits;
            }
        }
        _sequence++;
        _messagesUnderKey++;
        return message;
    }

    private void ReleaseKey()
    {
        _aes?.Dispose();
        _aes = null;
        _ascon?.Dispose();
        _ascon = null;
        _key?.Dispose();
        _key = null;
        _pendingKemCiphertext = null;
        _pendingKemSignature = null;
        // Not zeroed: messages of the epoch may still wait for their acknowledgement with this array (the outbox forgets it with them).
        _ackKey = null;
    }

    public void Dispose() => ReleaseKey();
}
