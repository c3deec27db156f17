using System.Buffers.Binary;
using System.Text;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// The MQTT topic of a sealed stream, qkd/sealed/{sender SAE}/{device}, and the associated data that binds a
/// message to it: AD = u16 len(topic) || topic (ASCII) || header. A message moved to another topic fails its tag.
/// </summary>
public static class StreamTopic
{
    /// <summary>Topic of a sealed stream.</summary>
    public static string Of(string senderSaeId, string deviceId) => $"qkd/sealed/{senderSaeId}/{deviceId}";

    /// <summary>Longest topic accepted [bytes] (prefix, two 64-character IDs, separators, with room to spare).</summary>
    public const int MaxLength = 512;

    /// <summary>The authenticated data of a message: u16 topic length, topic bytes, then the header bytes.</summary>
    public static byte[] AssociatedData(string topic, ReadOnlySpan<byte> header)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var t = Encoding.UTF8.GetByteCount(topic);
        if (t > MaxLength)
        {
            throw new ArgumentException($"MQTT topic must be at most {MaxLength} bytes, but was {t} bytes.");
        }
        var ad = new byte[2 + t + header.Length];
        BinaryPrimitives.WriteUInt16BigEndian(ad, (ushort)t);
        Encoding.UTF8.GetBytes(topic, ad.AsSpan(2));
        header.CopyTo(ad.AsSpan(2 + t));
        return ad;
    }
}
