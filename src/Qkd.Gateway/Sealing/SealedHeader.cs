using System.Buffers.Binary;
using System.Text;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// The header of a sealed message, authenticated as associated data (AES-GCM) or under the one-time MAC
/// (OTP). Layout, big-endian (docs/gateway.md, "Wire format"):
/// <code>
/// 0   u8    version (2)
/// 1   u8    mode (1 aes-gcm, 2 otp, 3 hybrid)
/// 2   u8    flags (bit 0: ML-KEM ciphertext present; bit 1: ML-DSA-65 signature of it present, only with bit 0)
/// 3   u8    s = length of the sender SAE ID (1..64, ASCII)
/// 4   u8    d = length of the device ID (1..64, ASCII)
/// 5   16    key ID (UUID, RFC 4122 byte order)
/// 21  u64   sequence number (strictly increasing within one key epoch of one stream)
/// 29  u32   key offset (OTP: first pad byte of this message within the key; otherwise 0)
/// 33  12    nonce (AES-GCM: 0x00000000 || sequence; OTP: zero)
/// 45  s     sender (master) SAE ID
/// ..  d     device ID
/// ..  [u16 n, n bytes]  ML-KEM-768 ciphertext, only when flag bit 0 is set (n = 1088 exactly)
/// ..  [u16 m, m bytes]  ML-DSA-65 signature of the encapsulation, only when flag bit 1 is set (m = 3309 exactly)
/// </code>
/// The body follows: ciphertext (same length as the plaintext), then a 16-byte tag. The authenticated data is
/// the topic and the header (<see cref="StreamTopic.AssociatedData"/>).
/// </summary>
public sealed record SealedHeader(SealingMode Mode, Guid KeyId, ulong Sequence, uint KeyOffset, string SenderSaeId, string DeviceId,
    byte[]? KemCiphertext = null, byte[]? KemSignature = null)
{
    /// <summary>Version 2: the topic is authenticated and hybrid encapsulations may carry a signature (version 1 is refused).</summary>
    public const byte CurrentVersion = 2;
    public const int FixedLength = 45;
    public const int NonceLength = 12;
    public const int TagLength = 16;
    public const int MaxIdLength = 64;
    private const byte KemFlag = 1;
    private const byte SignatureFlag = 2;

    /// <summary>Header length [bytes] on the wire.</summary>
    public int Length => FixedLength + SenderSaeId.Length + DeviceId.Length + (KemCiphertext is null ? 0 : 2 + KemCiphertext.Length)
        + (KemSignature is null ? 0 : 2 + KemSignature.Length);

    /// <summary>The AES-GCM nonce of a sequence number: 4 zero bytes then the 64-bit sequence (unique per key because sequences never repeat under one key).</summary>
    public static void NonceOf(ulong sequence, Span<byte> nonce)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], sequence);
    }

    /// <summary>Writes the header into <paramref name="destination"/> (at least <see cref="Length"/> bytes).</summary>
    public void Write(Span<byte> destination)
    {
        CheckId(SenderSaeId, "sender SAE ID");
        CheckId(DeviceId, "device ID");
        destination[0] = CurrentVersion;
        destination[1] = (byte)Mode;
        if (KemSignature is not null && KemCiphertext is null)
        {
            throw new ArgumentException("A header carries an ML-DSA signature only together with the ML-KEM ciphertext it signs.");
        }
        destination[2] = (byte)((KemCiphertext is null ? 0 : KemFlag) | (KemSignature is null ? 0 : SignatureFlag));
        destination[3] = (byte)SenderSaeId.Length;
        destination[4] = (byte)DeviceId.Length;
        KeyId.TryWriteBytes(destination.Slice(5, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt64BigEndian(destination[21..], Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[29..], KeyOffset);
        if (Mode == SealingMode.Otp)
        {
            destination.Slice(33, NonceLength).Clear();
        }
        else
        {
            NonceOf(Sequence, destination.Slice(33, NonceLength));
        }
        var at = FixedLength;
        at += Encoding.ASCII.GetBytes(SenderSaeId, destination[at..]);
        at += Encoding.ASCII.GetBytes(DeviceId, destination[at..]);
        if (KemCiphertext is not null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)KemCiphertext.Length);
            KemCiphertext.CopyTo(destination[(at + 2)..]);
            at += 2 + KemCiphertext.Length;
        }
        if (KemSignature is not null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)KemSignature.Length);
            KemSignature.CopyTo(destination[(at + 2)..]);
        }
    }

    /// <summary>
    /// Parses a header; null when the bytes are not a well-formed header of this version (length, version, mode, flags,
    /// IDs, nonce, and an ML-KEM ciphertext or signature of exactly its parameter set's length: a short one is never
    /// decapsulated into some secret).
    /// </summary>
    public static SealedHeader? TryRead(ReadOnlySpan<byte> message, out int headerLength)
    {
        headerLength = 0;
        if (message.Length < FixedLength + TagLength || message[0] != CurrentVersion || message[1] is < 1 or > (byte)SealingMode.Ascon || (message[2] & ~(KemFlag | SignatureFlag)) != 0
            || message[2] == SignatureFlag)
        {
            return null;
        }
        var mode = (SealingMode)message[1];
        int s = message[3], d = message[4];
        if (s is 0 or > MaxIdLength || d is 0 or > MaxIdLength || message.Length < FixedLength + s + d + TagLength)
        {
            return null;
        }
        var keyId = new Guid(message.Slice(5, 16), bigEndian: true);
        var sequence = BinaryPrimitives.ReadUInt64BigEndian(message[21..]);
        var offset = BinaryPrimitives.ReadUInt32BigEndian(message[29..]);
        Span<byte> expectedNonce = stackalloc byte[NonceLength];
        if (mode == SealingMode.Otp)
        {
            expectedNonce.Clear();
        }
        else
        {
            NonceOf(sequence, expectedNonce);
        }
        if (!message.Slice(33, NonceLength).SequenceEqual(expectedNonce) || (mode != SealingMode.Otp && offset != 0))
        {
            return null;
        }
        var sender = message.Slice(FixedLength, s);
        var device = message.Slice(FixedLength + s, d);
        if (!IsIdBytes(sender) || !IsIdBytes(device))
        {
            return null;
        }
        var at = FixedLength + s + d;
        byte[]? kem = null;
        if ((message[2] & KemFlag) != 0)
        {
            if (mode != SealingMode.Hybrid || message.Length < at + 2 + TagLength)
            {
                return null;
            }
            int n = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            if (n != MlKem768.CiphertextLength || message.Length < at + 2 + n + TagLength)
            {
                return null;
            }
            kem = message.Slice(at + 2, n).ToArray();
            at += 2 + n;
        }
        byte[]? signature = null;
        if ((message[2] & SignatureFlag) != 0)
        {
            if (message.Length < at + 2 + TagLength)
            {
                return null;
            }
            int m = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            if (m != MlDsa65.SignatureLength || message.Length < at + 2 + m + TagLength)
            {
                return null;
            }
            signature = message.Slice(at + 2, m).ToArray();
            at += 2 + m;
        }
        headerLength = at;
        return new SealedHeader(mode, keyId, sequence, offset, Encoding.ASCII.GetString(sender), Encoding.ASCII.GetString(device), kem, signature);
    }

    internal static bool IsIdBytes(ReadOnlySpan<byte> id)
    {
        foreach (var b in id)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }
        return true;
    }

    private static void CheckId(string id, string what)
    {
        if (id.Length is 0 or > MaxIdLength || !IsIdBytes(Encoding.ASCII.GetBytes(id)) || id.Any(c => c > 127))
        {
            throw new ArgumentException($"The {what} must be 1 to {MaxIdLength} ASCII letters, digits, '_', '-' or '.', but was '{id}'.");
        }
    }
}
