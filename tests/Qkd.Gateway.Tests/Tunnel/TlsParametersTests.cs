using Qkd.Gateway.Tunnel;

namespace Qkd.Gateway.Tests.Tunnel;

/// <summary>The PSK identity encoding.</summary>
public sealed class TlsParametersTests
{
    [Fact]
    public void Identity_IsTheKeyIdTextAsAscii_AndParsesBack()
    {
        var id = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        var bytes = TlsParameters.Identity(id);
        Assert.Equal("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"u8.ToArray(), bytes);
        Assert.True(TlsParameters.TryParseIdentity(bytes, out var back));
        Assert.Equal(id, back);
    }

    [Theory]
    [InlineData("client")]
    [InlineData("0f1e2d3c4b5a69788796a5b4c3d2e1f0")]
    [InlineData("{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f}")]
    public void Identity_NotAKeyIdText_IsNotParsed(string text)
        => Assert.False(TlsParameters.TryParseIdentity(System.Text.Encoding.ASCII.GetBytes(text), out _));
}
