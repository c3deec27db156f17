using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Qkd.Kms.Etsi;

/// <summary>
/// Reads a request body into a pooled buffer, refusing it before any parsing when it is larger than
/// a route's limit (by Content-Length at once, or as soon as the bytes read pass the limit), so a
/// large or endless body costs the KME at most the limit in memory and no parser time.
/// </summary>
public sealed class RequestBody : IDisposable
{
    /// <summary>Largest ETSI request body accepted (a Key IDs body of 128 UUIDs is about 7 KiB).</summary>
    public const int EtsiLimitBytes = 64 * 1024;

    /// <summary>Largest KME-to-KME body accepted (a transfer of 256 keys of 8,192 bits with one-time pads is about 600 KiB).</summary>
    public const int PeerLimitBytes = 4 * 1024 * 1024;

    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>True for an absent body or one of whitespace only.</summary>
    public bool IsBlank => Span.Trim(" \t\r\n"u8).IsEmpty;

    /// <summary>The body, or null when it exceeds <paramref name="limitBytes"/>.</summary>
    public static async Task<RequestBody?> ReadAsync(HttpRequest request, int limitBytes, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > limitBytes)
        {
            return null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, limitBytes) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limitBytes)
                    {
                        Return(buffer, length);
                        return null;
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limitBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Return(buffer, length);
                    buffer = larger;
                }
                var n = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
                if (n == 0)
                {
                    break;
                }
                length += n;
            }
        }
        catch
        {
            Return(buffer, length);
            throw;
        }
        if (length > limitBytes)
        {
            Return(buffer, length);
            return null;
        }
        return new RequestBody(buffer, length);
    }

    /// <summary>Zeroes what was read (a body may carry key material) and returns the buffer to the pool.</summary>
    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, []);
        if (b.Length > 0)
        {
            Return(b, Length);
        }
    }

    private static void Return(byte[] buffer, int used)
    {
        buffer.AsSpan(0, Math.Min(used, buffer.Length)).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
