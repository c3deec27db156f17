using System.Buffers.Text;

namespace Qkd.Kms.Load;

/// <summary>
/// Finds the end of one HTTP/1.1 response (RFC 9112 sections 4, 6 and 7.1) at the start of a buffer: the status
/// code, and the length of the whole message once it is all there. Bodies are framed by Content-Length or by
/// chunked transfer coding; anything else (a body up to the connection's close) is reported as unsupported,
/// since the load generator keeps its connections open.
/// </summary>
internal static class Http11Response
{
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;
    private static ReadOnlySpan<byte> ContentLength => "content-length:"u8;
    private static ReadOnlySpan<byte> TransferEncoding => "transfer-encoding:"u8;
    private static ReadOnlySpan<byte> Connection => "connection:"u8;

    /// <summary>What <see cref="TryParse"/> found.</summary>
    internal readonly record struct Parsed(int Status, int Length, bool Close);

    /// <summary>
    /// True when <paramref name="buffer"/> starts with a complete response; <paramref name="parsed"/> then holds its
    /// status, its length in bytes (head and body) and whether the server closes the connection after it.
    /// Throws <see cref="InvalidDataException"/> on a malformed or unsupported response.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<byte> buffer, out Parsed parsed)
    {
        parsed = default;
        var headEnd = buffer.IndexOf(HeaderEnd);
        if (headEnd < 0)
        {
            return false;
        }
        var head = buffer[..headEnd];
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || head[8] != (byte)' '
            || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out var used) || used != 3)
        {
            throw new InvalidDataException("not an HTTP/1.1 status line");
        }
        long contentLength = -1;
        bool chunked = false, close = false;
        var lineStart = head.IndexOf(Crlf);
        while (lineStart >= 0)
        {
            var rest = head[(lineStart + 2)..];
            var next = rest.IndexOf(Crlf);
            var line = next < 0 ? rest : rest[..next];
            if (StartsWithIgnoreCase(line, ContentLength))
            {
                var value = line[ContentLength.Length..].Trim((byte)' ');
                if (!Utf8Parser.TryParse(value, out contentLength, out var digits) || digits != value.Length || contentLength < 0)
                {
                    throw new InvalidDataException("bad Content-Length");
                }
            }
            else if (StartsWithIgnoreCase(line, TransferEncoding))
            {
                chunked = ContainsIgnoreCase(line[TransferEncoding.Length..], "chunked"u8);
                if (!chunked)
                {
                    throw new InvalidDataException("unsupported Transfer-Encoding");
                }
            }
            else if (StartsWithIgnoreCase(line, Connection))
            {
                close = ContainsIgnoreCase(line[Connection.Length..], "close"u8);
            }
            lineStart = next < 0 ? -1 : lineStart + 2 + next;
        }
        var bodyStart = headEnd + HeaderEnd.Length;
        if (chunked)
        {
            return TryChunked(buffer, bodyStart, status, close, out parsed);
        }
        // 1xx, 204 and 304 carry no body (RFC 9112 section 6.3, rule 1).
        var length = status is < 200 or 204 or 304 ? 0 : contentLength;
        if (length < 0)
        {
            throw new InvalidDataException("a response without Content-Length or chunked coding");
        }
        if (buffer.Length - bodyStart < length)
        {
            return false;
        }
        parsed = new Parsed(status, bodyStart + (int)length, close);
        return true;
    }

    /// <summary>chunked-body = *chunk last-chunk trailer-section CRLF (RFC 9112 section 7.1); chunk extensions are skipped.</summary>
    private static bool TryChunked(ReadOnlySpan<byte> buffer, int at, int status, bool close, out Parsed parsed)
    {
        parsed = default;
        while (true)
        {
            var lineEnd = buffer[at..].IndexOf(Crlf);
            if (lineEnd < 0)
            {
                return false;
            }
            var sizeText = buffer.Slice(at, lineEnd);
            var extension = sizeText.IndexOf((byte)';');
            if (extension >= 0)
            {
                sizeText = sizeText[..extension];
            }
            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out long size, out var used, 'x') || used == 0 || size < 0 || size > int.MaxValue)
            {
                throw new InvalidDataException("bad chunk size");
            }
            at += lineEnd + 2;
            if (size == 0)
            {
                // Trailer fields, then an empty line.
                var end = buffer[at..].IndexOf(Crlf);
                while (end > 0)
                {
                    at += end + 2;
                    end = buffer[at..].IndexOf(Crlf);
                }
                if (end < 0)
                {
                    return false;
                }
                parsed = new Parsed(status, at + 2, close);
                return true;
            }
            if (buffer.Length - at < size + 2)
            {
                return false;
            }
            at += (int)size;
            if (!buffer.Slice(at, 2).SequenceEqual(Crlf))
            {
                throw new InvalidDataException("chunk without its CRLF");
            }
            at += 2;
        }
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerName)
        => line.Length >= lowerName.Length && System.Text.Ascii.EqualsIgnoreCase(line[..lowerName.Length], lowerName);

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lowerToken)
    {
        for (var i = 0; i + lowerToken.Length <= value.Length; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(value.Slice(i, lowerToken.Length), lowerToken))
            {
                return true;
            }
        }
        return false;
    }
}
