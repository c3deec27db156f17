using System.Buffers.Binary;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// The framing of fresh-key streams (ours, docs/tunnel.md "Fresh-key streams"), carried inside standard TLS 1.3
/// application data. Each TLS connection ("segment") of a stream opens, client to server, with one header:
/// <c>"QKDS" | version 1 | stream ID (16 bytes) | segment number (uint32, big-endian)</c>; segment 0 starts a
/// stream, segment n+1 continues stream ID after segment n. Then each direction is a sequence of frames
/// <c>length (uint16, big-endian) | payload</c>; a frame of length 0 ends that direction of the segment, and the
/// next bytes of the stream follow in the next segment. A header or frame of any other shape ends the stream.
/// </summary>
internal static class SegmentWire
{
    public const int HeaderBytes = 4 + 1 + 16 + 4;
    public const byte Version = 1;
    public const int FrameHeaderBytes = 2;

    /// <summary>Largest payload of one frame: header plus payload fill one TLS record (2^14 bytes, RFC 8446 section 5.1).</summary>
    public const int MaxFramePayload = (1 << 14) - FrameHeaderBytes;

    private static ReadOnlySpan<byte> Magic => "QKDS"u8;

    public static byte[] Header(Guid stream, uint segment)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        header[4] = Version;
        stream.TryWriteBytes(header.AsSpan(5, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(21), segment);
        return header;
    }

    /// <summary>Parses a segment header; false when magic or version differ (the stream is then refused).</summary>
    public static bool TryParseHeader(ReadOnlySpan<byte> header, out Guid stream, out uint segment)
    {
        stream = Guid.Empty;
        segment = 0;
        if (header.Length != HeaderBytes || !header[..4].SequenceEqual(Magic) || header[4] != Version)
        {
            return false;
        }
        stream = new Guid(header.Slice(5, 16), bigEndian: true);
        segment = BinaryPrimitives.ReadUInt32BigEndian(header[21..]);
        return true;
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes; false at a clean end of stream before the first byte.</summary>
    /// <exception cref="IOException">The stream ended part-way through.</exception>
    public static bool ReadExactly(Stream stream, Span<byte> buffer)
    {
        for (var got = 0; got < buffer.Length;)
        {
            var n = stream.Read(buffer[got..]);
            if (n <= 0)
            {
                return got == 0 ? false : throw new IOException("The segment ended in the middle of a frame.");
            }
            got += n;
        }
        return true;
    }
}
