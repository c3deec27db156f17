using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// The edge acknowledgement: the receiving gateway tells the sender that it has stored a sealed message (or already had
/// it), so the sender can forget it; unacknowledged messages are published again. MQTT QoS 1 only acknowledges to the
/// broker, which may lose its sessions in a restart; this acknowledgement comes from the edge itself.
/// </summary>
/// <remarks>
/// Topic qkd/ack/{sender SAE}/{device}. Payload (57 bytes, integers big-endian): version = 1 (1 byte), key ID (16,
/// RFC 4122 byte order as in the sealed header), sequence (8), tag (32) = HMAC-SHA256(K_ack, u16 len(topic) || topic ||
/// the first 25 bytes). K_ack is per key epoch and known only to the two gateways that share the epoch's key:
/// aes-gcm and ascon K_ack = HKDF-SHA256(IKM = K_qkd), hybrid IKM = the epoch's session key, otp IKM = the last 32
/// bytes of the OTP key, which are reserved for it and never used as pad (so the pad stays information-theoretically
/// secret; the acknowledgement itself is computationally authenticated). In every mode salt = "qkd-gateway/ack/v1",
/// info = key ID, L = 32 (HKDF: H. Krawczyk, "Cryptographic Extraction and Key Derivation: The HKDF Scheme", CRYPTO
/// 2010; RFC 5869; HMAC: RFC 2104). A forger without the epoch key cannot make a sender forget a message.
/// </remarks>
public static class EdgeAck
{
    /// <summary>Version byte of the acknowledgement payload.</summary>
    public const byte Version = 1;

    /// <summary>Bytes of an acknowledgement payload.</summary>
    public const int Length = 1 + 16 + 8 + TagLength;

    /// <summary>Bytes of the HMAC-SHA256 tag.</summary>
    public const int TagLength = 32;

    /// <summary>Bytes of an epoch's acknowledgement key.</summary>
    public const int KeyLength = 32;

    /// <summary>Bytes at the end of an OTP key reserved as the input of its acknowledgement key (never pad).</summary>
    public const int OtpReservedBytes = 32;

    private static readonly byte[] Salt = Encoding.ASCII.GetBytes("qkd-gateway/ack/v1");

    /// <summary>Topic on which the receiver acknowledges the stream (sender SAE, device).</summary>
    public static string TopicOf(string senderSaeId, string deviceId) => $"qkd/ack/{senderSaeId}/{deviceId}";

    /// <summary>Filter a sender subscribes to for the acknowledgements of all its streams.</summary>
    public static string FilterOf(string senderSaeId) => $"qkd/ack/{senderSaeId}/#";

    /// <summary>K_ack = HKDF-SHA256(IKM = <paramref name="inputKey"/>, salt = "qkd-gateway/ack/v1", info = key ID, L = 32).</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> inputKey, Guid keyId)
    {
        Span<byte> info = stackalloc byte[16];
        keyId.TryWriteBytes(info, bigEndian: true, out _);
        var key = new byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, key, Salt, info);
        return key;
    }

    /// <summary>The acknowledgement of message (<paramref name="keyId"/>, <paramref name="sequence"/>) on <paramref name="topic"/>.</summary>
    public static byte[] Create(string topic, Guid keyId, ulong sequence, ReadOnlySpan<byte> ackKey)
    {
        var payload = new byte[Length];
        payload[0] = Version;
        keyId.TryWriteBytes(payload.AsSpan(1, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(17, 8), sequence);
        Tag(topic, payload.AsSpan(0, Length - TagLength), ackKey, payload.AsSpan(Length - TagLength));
        return payload;
    }

    /// <summary>Reads the message an acknowledgement names; false when the payload is not one (wrong length or version).</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out Guid keyId, out ulong sequence)
    {
        keyId = Guid.Empty;
        sequence = 0;
        if (payload.Length != Length || payload[0] != Version)
        {
            return false;
        }
        keyId = new Guid(payload.Slice(1, 16), bigEndian: true);
        sequence = BinaryPrimitives.ReadUInt64BigEndian(payload.Slice(17, 8));
        return true;
    }

    /// <summary>True when the tag of <paramref name="payload"/> received on <paramref name="topic"/> verifies under <paramref name="ackKey"/> (constant time).</summary>
    public static bool Verify(string topic, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> ackKey)
    {
        if (payload.Length != Length)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[TagLength];
        Tag(topic, payload[..(Length - TagLength)], ackKey, expected);
        return CryptographicOperations.FixedTimeEquals(expected, payload[(Length - TagLength)..]);
    }

    private static void Tag(string topic, ReadOnlySpan<byte> body, ReadOnlySpan<byte> ackKey, Span<byte> tag)
    {
        var data = StreamTopic.AssociatedData(topic, body);
        HMACSHA256.HashData(ackKey, data, tag);
    }
}
