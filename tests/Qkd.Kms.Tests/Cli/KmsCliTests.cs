using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Qkd.Cli.Tests;
using Qkd.Kms.Dev;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Cli;

/// <summary>The `qkd certs init` and `qkd kms` commands through the real command tree.</summary>
public sealed class KmsCliTests
{
    [Fact]
    public void CertsInit_WritesCaKmeAndSaeCertificatesAsPem()
    {
        using var dir = new TempDir();
        var r = CliHarness.Run("certs", "init", "--out", dir.Path, "--kme", "KME_A", "--kme", "KME_B", "--sae", "SAE_A", "--sae", "SAE_B", "--json");
        Assert.Equal(0, r.ExitCode);
        var ca = X509CertificateLoader.LoadCertificateFromFile(dir.File("ca.pem"));
        var kme = X509Certificate2.CreateFromPemFile(dir.File("kme_a.pem"), dir.File("kme_a.key"));
        Assert.True(kme.HasPrivateKey);
        Assert.Equal("KME_A", kme.GetNameInfo(X509NameType.SimpleName, false));
        var san = kme.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", san.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Loopback, san.EnumerateIPAddresses());
        using var trust = new Qkd.Kms.Tls.CertificateTrust(ca);
        Assert.True(trust.IsValidServer(kme));
        Assert.True(trust.IsValidClient(X509CertificateLoader.LoadCertificateFromFile(dir.File("sae_b.pem"))));
        Assert.False(trust.IsValidServer(X509CertificateLoader.LoadCertificateFromFile(dir.File("sae_b.pem"))));
    }

    [Theory]
    [InlineData("certs", "init", "--out", "x")]
    [InlineData("kms", "dev", "--dir", "x", "--kmes", "4")]
    [InlineData("kms", "dev", "--dir", "x", "--rate", "0")]
    [InlineData("kms", "serve", "--config", "/nonexistent/kme.json")]
    [InlineData("kms", "load", "--dev", "/nonexistent/dev.json")]
    [InlineData("kms", "load", "--dev", "x", "--warmup", "-1")]
    [InlineData("kms", "load", "--dev", "x", "--warmup", "601")]
    [InlineData("kms", "serve", "--bogus")]
    public void BadFlagsOrValues_ExitWithUsageCode2(params string[] args)
    {
        var r = CliHarness.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KmeNotListening_ExitsWithIoCode3NamingTheKme()
    {
        using var dir = new TempDir();
        // Files only, nothing started: the ports in dev.json were free a moment ago and nobody listens on them.
        DevNetwork.WriteFiles(new DevNetworkOptions { Directory = dir.Path }, DateTimeOffset.UtcNow);

        var r = CliHarness.Run("kms", "load", "--dev", dir.File("dev.json"), "--duration", "0.1", "--warmup", "0");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("cannot reach KME KME_A", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevNetwork_WritesDevJsonExactlyAsSpecified_AndServesAtOnce()
    {
        using var dir = new TempDir();
        await using (var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir.Path, Kmes = 3, RunSupply = true, RateBitsPerSecond = 1300, PrefillBits = 256 * 8 }))
        {
            var dev = JsonDocument.Parse(File.ReadAllText(dir.File("dev.json"))).RootElement;
            Assert.Equal(["ca", "kmes", "saes"], dev.EnumerateObject().Select(p => p.Name));
            Assert.True(File.Exists(dev.GetProperty("ca").GetString()));
            Assert.Equal(["KME_A", "KME_B", "KME_C"], dev.GetProperty("kmes").EnumerateArray().Select(k => k.GetProperty("id").GetString()));
            Assert.All(dev.GetProperty("kmes").EnumerateArray(), k => Assert.Equal(["id", "url"], k.EnumerateObject().Select(p => p.Name)));
            foreach (var s in dev.GetProperty("saes").EnumerateArray())
            {
                Assert.Equal(["id", "kme", "cert", "key"], s.EnumerateObject().Select(p => p.Name));
                Assert.True(File.Exists(s.GetProperty("cert").GetString()));
                Assert.True(File.Exists(s.GetProperty("key").GetString()));
            }
            using var a = SaeClient.For(net, "SAE_A");
            using var c = SaeClient.For(net, "SAE_C");
            var enc = await a.EncKeysAsync("SAE_C");
            Assert.Equal(System.Net.HttpStatusCode.OK, enc.Status);
            Assert.Equal(enc.Keys[0].Key, (await c.DecKeysAsync("SAE_A", enc.Keys[0].Id)).Keys[0].Key);
        }
        Assert.True(File.Exists(dir.File("kme_a.json")));
    }

    [Fact]
    public async Task DevNetwork_PrefillLargerThanOneBurst_ArrivesWholeInBursts()
    {
        using var dir = new TempDir();
        await using var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir.Path, RunSupply = false, PrefillBits = 256 * 10, PrefillBurstBits = 256 * 3 });
        using var a = SaeClient.For(net, "SAE_A");
        var status = (await a.GetAsync("/api/v1/keys/SAE_B/status")).Body;
        Assert.Equal(10, status.GetProperty("stored_key_count").GetInt32());
        Assert.True(File.Exists(net.DevJsonPath), "dev.json is written once the network is up and prefilled");
    }

    [Fact]
    public async Task DevNetwork_PrefillTheKmeRefuses_FailsTheStartInsteadOfReportingFullPools()
    {
        // One 32 MiB burst exceeds the KME's request-body limit (30 MB): the start must fail, not claim full pools.
        using var dir = new TempDir();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => DevNetwork.StartAsync(
            new DevNetworkOptions { Directory = dir.Path, RunSupply = false, PrefillBits = 1L << 28, PrefillBurstBits = 1L << 28 }));
        Assert.Contains("prefill of link LINK_A_B failed", e.Message, StringComparison.Ordinal);
        // No dev.json: nothing may send a client to a network that did not start.
        Assert.False(File.Exists(Path.Combine(dir.Path, "dev.json")));
    }

    [Fact]
    public void SimulatedSupply_DefaultRateIsTurin13kbps_AndBlocksSumToTheRateWithoutDrift()
    {
        var s = new Qkd.Kms.Supply.SimulatedKeySupply("L", Qkd.Kms.Supply.SimulatedKeySupply.TurinTestbedRateBitsPerSecond, TimeSpan.FromSeconds(1), TimeProvider.System);
        Assert.Equal(1300, s.RateBitsPerSecond);
        var bytes = Enumerable.Range(0, 1000).Sum(j => s.BlockBytes(j));
        Assert.Equal(1300 * 1000 / 8, bytes);
    }
}
