using Qkd.Gateway.Tunnel;

namespace Qkd.Gateway.Tests.Tunnel;

/// <summary>The tunnel's configuration file: fields, paths relative to the file, unknown fields refused.</summary>
public sealed class TunnelConfigFileTests
{
    [Fact]
    public void Load_ResolvesKmePathsAgainstTheFilesDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qkd-tunnel-cfg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "plant.json");
            File.WriteAllText(path, """
                { "sae": "SAE_A", "peerSae": "SAE_B",
                  "kme": { "url": "https://127.0.0.1:8443", "ca": "certs/ca.pem", "cert": "certs/sae_a.pem", "key": "/abs/sae_a.key" },
                  "local": "127.0.0.1:1502", "peer": "edge:8502", "pskMode": "psk_ke", "suite": "aes128", "groups": "classic", "rekeyS": 15, "keyWaitS": 2 }
                """);
            var file = TunnelConfigFile.Load(path);
            Assert.Equal("SAE_B", file.PeerSae);
            Assert.Equal("edge:8502", file.Peer);
            Assert.Equal(15, file.RekeyS);
            var credentials = file.Credentials("SAE_A")!;
            Assert.Equal(Path.Combine(dir, "certs", "ca.pem"), credentials.CaPemPath);
            Assert.Equal("/abs/sae_a.key", credentials.KeyPemPath);
            Assert.Equal(new Uri("https://127.0.0.1:8443"), credentials.KmeUrl);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_UnknownField_IsRefusedNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "qkd-tunnel-cfg-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, """{ "sae": "SAE_A", "rekey": 30 }""");
        try
        {
            var e = Assert.Throws<ArgumentException>(() => TunnelConfigFile.Load(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:70000")]
    [InlineData("no-port")]
    [InlineData(":80")]
    public void HostPort_BadText_IsRefusedNamingTheParameter(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => HostPort.Parse(text, "--peer"));
        Assert.Contains("--peer", e.Message, StringComparison.Ordinal);
    }
}
