using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Qkd.Kms.Config;
using Qkd.Kms.Dev;
using Qkd.Kms.Supply;
using Qkd.Kms.Tests.Support;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Tests.Tls;

/// <summary>Each route accepts only certificates of its role; names never collide across roles; pins and the CRL are honoured (issue 13).</summary>
public sealed class IdentityTests
{
    /// <summary>A certificate of the dev CA with any CN and role, as an attacker holding a certificate of another role would have.</summary>
    private static (string Cert, string Key) Issue(string certDir, string cn, CertificateRole role)
    {
        using var ca = X509Certificate2.CreateFromPemFile(Path.Combine(certDir, "ca.pem"), Path.Combine(certDir, "ca.key"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2"), new Oid(CertificateRoles.Oid(role))], false));
        using var cert = req.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
        var stem = Path.Combine(certDir, $"forged_{cn}_{role}".ToLowerInvariant());
        File.WriteAllText(stem + ".pem", cert.ExportCertificatePem());
        File.WriteAllText(stem + ".key", key.ExportPkcs8PrivateKeyPem());
        return (stem + ".pem", stem + ".key");
    }

    [Fact]
    public async Task KmeRoutesAndSupply_CertificateWithTheRightNameButAnotherRole_Get401AndChangeNothing()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256 * 8);
        var certs = Path.GetDirectoryName(t.Net.Info.Ca)!;
        var url = new Uri(t.Net.Info.Kmes[0].Url);
        var (saeAsKme, saeAsKmeKey) = Issue(certs, "KME_B", CertificateRole.Sae);
        var (kmeAsDevice, kmeAsDeviceKey) = Issue(certs, "LINK_A_B", CertificateRole.Kme);
        var (deviceAsSae, deviceAsSaeKey) = Issue(certs, "SAE_A", CertificateRole.LinkDevice);
        using var fakePeer = new SaeClient(url, t.Net.Info.Ca, saeAsKme, saeAsKmeKey);
        using var fakeDevice = new SaeClient(url, t.Net.Info.Ca, kmeAsDevice, kmeAsDeviceKey);
        using var fakeSae = new SaeClient(url, t.Net.Info.Ca, deviceAsSae, deviceAsSaeKey);
        var before = await t.Host("KME_A").Store.CountsAsync(default);

        Assert.Equal(HttpStatusCode.Unauthorized, (await fakePeer.PostJsonAsync("/kme/v1/notices", "{\"notices\":[]}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fakePeer.PostJsonAsync("/kme/v1/flush", "")).Status);
        var lease = await fakePeer.PostJsonAsync("/kme/v1/leases", $"{{\"lease_ID\":\"{Guid.NewGuid()}\",\"units\":[]}}");
        Assert.Equal(HttpStatusCode.Unauthorized, lease.Status);
        var block = await fakeDevice.PostJsonAsync("/kme/v1/supply/blocks", $"{{\"block_ID\":\"{Guid.NewGuid()}\",\"key\":\"{Convert.ToBase64String(new byte[64])}\"}}");
        Assert.Equal(HttpStatusCode.Unauthorized, block.Status);
        var status = await fakeSae.GetAsync("/api/v1/keys/SAE_B/status");
        Assert.Equal(HttpStatusCode.Unauthorized, status.Status);
        Assert.Contains("role", status.Message, StringComparison.Ordinal);

        var after = await t.Host("KME_A").Store.CountsAsync(default);
        Assert.Equal(before.Units.Values.Sum(), after.Units.Values.Sum());
    }

    [Fact]
    public async Task Sae_RevokedInTheCrl_Gets401AndAnotherSaeStillWorks()
    {
        using var dir = new TempDir();
        var (info, paths) = DevNetwork.WriteFiles(new DevNetworkOptions { Directory = dir.Path, Kmes = 2, RunSupply = false, SaesPerKme = 2 }, DateTimeOffset.UtcNow);
        var certs = Path.GetDirectoryName(info.Ca)!;
        var revoked = info.Saes.Single(s => s.Id == "SAE_A");
        var crlPath = Path.Combine(certs, "ca.crl");
        using (var ca = X509Certificate2.CreateFromPemFile(info.Ca, Path.Combine(certs, "ca.key")))
        using (var victim = X509CertificateLoader.LoadCertificateFromFile(revoked.Cert))
        {
            var builder = new CertificateRevocationListBuilder();
            builder.AddEntry(victim, DateTimeOffset.UtcNow);
            File.WriteAllBytes(crlPath, builder.Build(ca, 1, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256));
        }
        var config = KmsConfig.Load(paths[0]);
        await using var host = await KmsHost.StartAsync(config with { Tls = config.Tls with { Crl = crlPath } }, _ => { });
        var other = info.Saes.Single(s => s.Id == "SAE_A2");
        using var a = new SaeClient(host.Url, info.Ca, revoked.Cert, revoked.Key);
        using var a2 = new SaeClient(host.Url, info.Ca, other.Cert, other.Key);

        var r = await a.GetAsync("/api/v1/keys/SAE_B/status");

        Assert.Equal(HttpStatusCode.Unauthorized, r.Status);
        Assert.Contains("revoked", r.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await a2.GetAsync("/api/v1/keys/SAE_B/status")).Status);
    }

    [Fact]
    public async Task Crl_NotSignedByTheCa_KmeRefusesToStart()
    {
        using var dir = new TempDir();
        var (info, paths) = DevNetwork.WriteFiles(new DevNetworkOptions { Directory = dir.Path, Kmes = 2, RunSupply = false }, DateTimeOffset.UtcNow);
        using var foreign = new TempDir();
        var other = DevCertificates.Create(foreign.Path, [], [], [], DateTimeOffset.UtcNow);
        var crlPath = Path.Combine(dir.Path, "foreign.crl");
        using (var ca = X509Certificate2.CreateFromPemFile(other.CaCertPath, other.CaKeyPath))
        {
            File.WriteAllBytes(crlPath, new CertificateRevocationListBuilder().Build(ca, 1, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256));
        }
        var config = KmsConfig.Load(paths[0]);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => KmsHost.StartAsync(config with { Tls = config.Tls with { Crl = crlPath } }, _ => { }));
        Assert.Contains("tls.crl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sae_PinnedThumbprint_OnlyThatCertificateIsAccepted()
    {
        using var dir = new TempDir();
        var (info, paths) = DevNetwork.WriteFiles(new DevNetworkOptions { Directory = dir.Path, Kmes = 2, RunSupply = false }, DateTimeOffset.UtcNow);
        var sae = info.Saes.Single(s => s.Id == "SAE_A");
        using var real = X509CertificateLoader.LoadCertificateFromFile(sae.Cert);
        var (sameName, sameNameKey) = Issue(Path.GetDirectoryName(info.Ca)!, "SAE_A", CertificateRole.Sae);
        var config = KmsConfig.Load(paths[0]);
        var pinned = config with { Saes = [new SaeConfig("SAE_A", null, Convert.ToHexString(SHA256.HashData(real.RawData)))] };
        await using var host = await KmsHost.StartAsync(pinned, _ => { });
        using var good = new SaeClient(host.Url, info.Ca, sae.Cert, sae.Key);
        using var twin = new SaeClient(host.Url, info.Ca, sameName, sameNameKey);

        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/api/v1/keys/SAE_B/status")).Status);
        var r = await twin.GetAsync("/api/v1/keys/SAE_B/status");
        Assert.Equal(HttpStatusCode.Unauthorized, r.Status);
        Assert.Contains("pinned", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KME_B", null)]
    [InlineData("LINK_A_B", null)]
    [InlineData("SAE_A", "KME_B")]
    public void Config_NamesCollidingAcrossRoles_AreRefused(string saeId, string? saeCn)
    {
        var config = new KmsConfig
        {
            KmeId = "KME_A",
            Tls = new TlsConfig("ca.pem", "a.pem", "a.key"),
            Saes = [new SaeConfig(saeId, saeCn)],
            Peers = [new PeerConfig("KME_B", "https://127.0.0.1:1", ["SAE_B"], "LINK_A_B")],
        };
        Assert.Contains("names of KMEs, SAEs and link devices must differ", Assert.Throws<ArgumentException>(config.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyBlockSink_ReachingAnotherKmeThanItNames_RefusesToDeliver()
    {
        await using var t = await TestNetwork.StartAsync();
        var certs = Path.GetDirectoryName(t.Net.Info.Ca)!;
        using var trust = CertificateTrust.FromPem(t.Net.Info.Ca);
        using var device = DevCertificates.LoadWithKey(Path.Combine(certs, "link_a_b.pem"), Path.Combine(certs, "link_a_b.key"));
        using var wrong = new HttpsKeyBlockSink(new Uri(t.Net.Info.Kmes[0].Url), "KME_B", device, trust);
        using var right = new HttpsKeyBlockSink(new Uri(t.Net.Info.Kmes[0].Url), "KME_A", device, trust);
        var block = SimulatedKeySupply.Burst(256 * 4);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => wrong.DeliverAsync(block, default));
        Assert.Equal("added", (await right.DeliverAsync(block, default)).Result);
    }
}
