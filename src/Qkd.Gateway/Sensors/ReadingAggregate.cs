using System.Text;
using Qkd.Gateway.Sealing;

namespace Qkd.Gateway.Sensors;

/// <summary>
/// The plaintext of seed 003's fixed scheme: the router gateway packs the readings of all its devices from one
/// sampling tick into one message sealed under one key stream. Format (big-endian, after the magic byte 0xA7):
/// u8 count (1..255), then per reading: u8 device-ID length (1..<see cref="SealedHeader.MaxIdLength"/>), the device ID
/// in ASCII (the characters a header's device ID allows), and the 24-byte <see cref="PowerSample"/>. An aggregate is
/// always longer than one 24-byte sample, so a receiver tells the two apart by length and magic.
/// </summary>
public static class ReadingAggregate
{
    public const byte Magic = 0xA7;

    /// <summary>Encodes <paramref name="readings"/> (at most 255).</summary>
    public static byte[] Pack(IReadOnlyList<(string DeviceId, PowerSample Sample)> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        if (readings.Count is 0 or > 255)
        {
            throw new ArgumentException($"An aggregate carries 1 to 255 readings, but was given {readings.Count}.");
        }
        var length = 2 + readings.Sum(r => 1 + r.DeviceId.Length + PowerSample.EncodedLength);
        var buffer = new byte[length];
        buffer[0] = Magic;
        buffer[1] = (byte)readings.Count;
        var at = 2;
        foreach (var (device, sample) in readings)
        {
            var id = Encoding.ASCII.GetBytes(device);
            if (id.Length is 0 or > SealedHeader.MaxIdLength || !SealedHeader.IsIdBytes(id) || device.Any(c => c > 127))
            {
                throw new ArgumentException($"A device ID must be 1 to {SealedHeader.MaxIdLength} ASCII letters, digits, '_', '-' or '.', but was '{device}'.");
            }
            buffer[at++] = (byte)id.Length;
            id.CopyTo(buffer, at);
            at += id.Length;
            sample.Write(buffer.AsSpan(at));
            at += PowerSample.EncodedLength;
        }
        return buffer;
    }

    /// <summary>Decodes; null when <paramref name="source"/> is not exactly one well-formed aggregate.</summary>
    public static IReadOnlyList<(string DeviceId, PowerSample Sample)>? TryRead(ReadOnlySpan<byte> source)
    {
        if (source.Length < 2 || source[0] != Magic || source[1] == 0)
        {
            return null;
        }
        var readings = new List<(string, PowerSample)>(source[1]);
        var at = 2;
        for (var i = 0; i < source[1]; i++)
        {
            if (at >= source.Length)
            {
                return null;
            }
            int idLength = source[at++];
            if (idLength is 0 or > SealedHeader.MaxIdLength || at + idLength + PowerSample.EncodedLength > source.Length
                || !SealedHeader.IsIdBytes(source.Slice(at, idLength)))
            {
                return null;
            }
            var device = Encoding.ASCII.GetString(source.Slice(at, idLength));
            at += idLength;
            readings.Add((device, PowerSample.TryRead(source.Slice(at, PowerSample.EncodedLength))!.Value));
            at += PowerSample.EncodedLength;
        }
        return at == source.Length ? readings : null;
    }
}
