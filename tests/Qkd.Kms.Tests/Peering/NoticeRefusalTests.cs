using System.Net;
using Qkd.Kms.Config;
using Qkd.Kms.Dev;
using Qkd.Kms.Supply;
using Qkd.Kms.Tests.Support;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Tests.Peering;

/// <summary>A key notice the peer refuses is kept and reported, and serving towards that peer stops (issue 13).</summary>
public sealed class NoticeRefusalTests
{
    [Fact]
    public async Task Notice_RefusedByThePeer_IsKeptInTheOutboxCountedAuditedAndServingStops()
    {
        using var dir = new TempDir();
        var (info, paths) = DevNetwork.WriteFiles(new DevNetworkOptions { Directory = dir.Path, RunSupply = false, PrefillBits = 0 }, DateTimeOffset.UtcNow);
        var configA = KmsConfig.Load(paths[0]);
        var configB = KmsConfig.Load(paths[1]);
        // The KMEs disagree: B takes keys of at most 4,096 bits, A serves up to 8,192.
        await using var kmeB = await KmsHost.StartAsync(configB with { Keys = configB.Keys with { MaxSizeBits = 4096 } }, _ => { });
        await using var kmeA = await KmsHost.StartAsync(configA, _ => { });
        using (var trust = CertificateTrust.FromPem(info.Ca))
        using (var device = DevCertificates.LoadWithKey(Path.Combine(dir.Path, "certs", "link_a_b.pem"), Path.Combine(dir.Path, "certs", "link_a_b.key")))
        using (var sinkA = new HttpsKeyBlockSink(kmeA.Url, "KME_A", device, trust))
        using (var sinkB = new HttpsKeyBlockSink(kmeB.Url, "KME_B", device, trust))
        {
            Assert.True(await new KeySupplyPump(sinkA, sinkB, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
                .DeliverAsync(SimulatedKeySupply.Burst(256L * 2000), default));
        }
        using var a = new SaeClient(kmeA.Url, info.Ca, info.Saes[0].Cert, info.Saes[0].Key);

        var served = await a.EncKeysAsync("SAE_B", number: 1, size: 8192);
        Assert.Equal(HttpStatusCode.OK, served.Status);
        Assert.False(await kmeA.Keys.FlushNoticesAsync("KME_B", default));

        Assert.Equal(1, kmeA.Metrics.NoticesRefused.WithLabels("KME_B").Value);
        Assert.Single(await kmeA.Store.ReadOutboxAsync("KME_B", 10, default));
        var audit = await File.ReadAllTextAsync(configA.Resolve(configA.AuditLog!));
        Assert.Contains("notices_refused", audit, StringComparison.Ordinal);
        Assert.Contains(served.Keys[0].Id, audit, StringComparison.Ordinal);
        var next = await a.EncKeysAsync("SAE_B", number: 1, size: 256);
        Assert.Equal((HttpStatusCode)503, next.Status);
        Assert.Contains("refused", next.Message, StringComparison.Ordinal);
        // Reported once per episode, not once per retry.
        Assert.False(await kmeA.Keys.FlushNoticesAsync("KME_B", default));
        Assert.Equal(1, kmeA.Metrics.NoticesRefused.WithLabels("KME_B").Value);
    }
}
