using System.Text;
using Qkd.Kms.Load;

namespace Qkd.Kms.Tests.Load;

/// <summary>The lean load client's HTTP/1.1 response framing (RFC 9112 sections 4, 6, 7.1).</summary>
public sealed class Http11ResponseTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void ContentLength_CompleteOnlyWhenTheWholeBodyIsIn()
    {
        var message = B("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{\"keys\":[]}");
        for (var cut = 0; cut < message.Length; cut++)
        {
            Assert.False(Http11Response.TryParse(message.AsSpan(0, cut), out _));
        }
        Assert.True(Http11Response.TryParse(message, out var r));
        Assert.Equal(200, r.Status);
        Assert.Equal(message.Length, r.Length);
        Assert.False(r.Close);
    }

    [Fact]
    public void TwoResponsesInOneBuffer_TheFirstEndsWhereTheSecondStarts()
    {
        var first = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}";
        var both = B(first + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.True(Http11Response.TryParse(both, out var r));
        Assert.Equal(503, r.Status);
        Assert.Equal(first.Length, r.Length);
        Assert.True(Http11Response.TryParse(both.AsSpan(r.Length), out var second));
        Assert.Equal(200, second.Status);
    }

    [Fact]
    public void Chunked_WithExtensionAndTrailer_EndsAfterTheLastChunksEmptyLine()
    {
        var message = B("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: 1\r\n\r\n");
        for (var cut = 0; cut < message.Length; cut++)
        {
            Assert.False(Http11Response.TryParse(message.AsSpan(0, cut), out _));
        }
        Assert.True(Http11Response.TryParse(B(Encoding.ASCII.GetString(message) + "HTTP/1.1"), out var r));
        Assert.Equal(message.Length, r.Length);
        Assert.True(r.Close);
    }

    [Fact]
    public void NoContent_HasNoBodyWhateverItsHeaders()
    {
        Assert.True(Http11Response.TryParse(B("HTTP/1.1 204 No Content\r\n\r\n"), out var r));
        Assert.Equal(204, r.Status);
    }

    [Theory]
    [InlineData("HTTP/2 200\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY0\r\n\r\n")]
    public void MalformedOrUnframed_IsRefusedNotGuessed(string text)
    {
        Assert.Throws<InvalidDataException>(() => Http11Response.TryParse(B(text), out _));
    }
}
