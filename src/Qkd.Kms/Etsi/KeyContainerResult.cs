using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Qkd.Kms.Etsi;

/// <summary>
/// The ETSI GS QKD 014 Key container (section 6.3) of delivered keys, <c>{"keys":[{"key_ID":"…","key":"…"},…]}</c>,
/// written by hand into a pooled buffer: key IDs are GUIDs and keys base64, neither needs JSON escaping, so the bytes
/// are those <see cref="System.Text.Json.Utf8JsonWriter"/> writes (pinned by <c>KeyContainerResultTests</c>) without its
/// writer and growth buffers on every key request. The buffer and the key materials are wiped after the write.
/// </summary>
internal sealed class KeyContainerResult(IReadOnlyList<DeliveredKey> keys) : IResult
{
    private static ReadOnlySpan<byte> Open => "{\"keys\":["u8;
    private static ReadOnlySpan<byte> KeyIdField => "{\"key_ID\":\""u8;
    private static ReadOnlySpan<byte> KeyField => "\",\"key\":\""u8;
    private static ReadOnlySpan<byte> CloseKey => "\"}"u8;
    private static ReadOnlySpan<byte> Close => "]}"u8;

    public async Task ExecuteAsync(HttpContext ctx)
    {
        var length = Length(keys);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Write(keys, buffer);
            ctx.Response.ContentType = "application/json; charset=utf-8";
            ctx.Response.ContentLength = length;
            await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, length), ctx.RequestAborted);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
            foreach (var k in keys)
            {
                CryptographicOperations.ZeroMemory(k.Material);
            }
        }
    }

    /// <summary>Bytes of the container of <paramref name="keys"/>.</summary>
    internal static int Length(IReadOnlyList<DeliveredKey> keys)
    {
        var length = Open.Length + Close.Length + Math.Max(0, keys.Count - 1);
        foreach (var k in keys)
        {
            length += KeyIdField.Length + 36 + KeyField.Length + Base64.GetMaxEncodedToUtf8Length(k.Material.Length) + CloseKey.Length;
        }
        return length;
    }

    /// <summary>Writes the container into <paramref name="output"/> (at least <see cref="Length"/> bytes); returns the bytes written.</summary>
    internal static int Write(IReadOnlyList<DeliveredKey> keys, Span<byte> output)
    {
        var at = Append(output, 0, Open);
        for (var i = 0; i < keys.Count; i++)
        {
            if (i > 0)
            {
                output[at++] = (byte)',';
            }
            at = Append(output, at, KeyIdField);
            Utf8Formatter.TryFormat(keys[i].KeyId, output[at..], out var idBytes, 'D');
            at = Append(output, at + idBytes, KeyField);
            Base64.EncodeToUtf8(keys[i].Material, output[at..], out _, out var keyBytes);
            at = Append(output, at + keyBytes, CloseKey);
        }
        return Append(output, at, Close);
    }

    private static int Append(Span<byte> output, int at, ReadOnlySpan<byte> text)
    {
        text.CopyTo(output[at..]);
        return at + text.Length;
    }
}
