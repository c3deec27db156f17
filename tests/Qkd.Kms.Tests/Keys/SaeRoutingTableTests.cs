using Qkd.Kms.Config;
using Qkd.Kms.Keys;

namespace Qkd.Kms.Tests.Keys;

/// <summary>The routing table on its own: where an SAE is attached, the next hop towards a KME, the pool direction rule.</summary>
public sealed class SaeRoutingTableTests
{
    private static readonly SaeRoutingTable Routes = new(new KmsConfig
    {
        KmeId = "KME_B",
        Tls = new TlsConfig("ca.pem", "b.pem", "b.key"),
        Saes = [new SaeConfig("SAE_B", CertificateCn: "sae-b.example")],
        Peers = [new PeerConfig("KME_A", "https://127.0.0.1:1", ["SAE_A"]), new PeerConfig("KME_C", "https://127.0.0.1:2", ["SAE_C"])],
        Routes = [new RouteConfig("KME_D", "KME_C", ["SAE_D"])],
    });

    [Theory]
    [InlineData("SAE_B", "KME_B")]
    [InlineData("SAE_A", "KME_A")]
    [InlineData("SAE_C", "KME_C")]
    [InlineData("SAE_D", "KME_D")]
    [InlineData("SAE_X", null)]
    public void KmeOfSae_LocalPeerAndRoutedSaes_NameTheirKme(string sae, string? kme)
        => Assert.Equal(kme, Routes.KmeOfSae(sae));

    [Theory]
    [InlineData("KME_A", "KME_A")]
    [InlineData("KME_C", "KME_C")]
    [InlineData("KME_D", "KME_C")]
    [InlineData("KME_X", null)]
    public void NextHop_PeerIsItsOwnHop_RoutedKmeGoesVia(string kme, string? next)
        => Assert.Equal(next, Routes.NextHop(kme));

    [Fact]
    public void LocalSaeByCn_MatchesTheCertificateName_NotTheId()
    {
        Assert.Equal("SAE_B", Routes.LocalSaeByCn("sae-b.example"));
        Assert.Null(Routes.LocalSaeByCn("SAE_B"));
        Assert.True(Routes.IsLocal("SAE_B"));
        Assert.False(Routes.IsLocal("SAE_A"));
    }

    [Fact]
    public void TakesNewestFrom_EndsOfOneLink_TakeOppositeEnds()
    {
        // KME_B > KME_A: B takes the newest units of the A-B pool; A (smaller ID) would take the oldest.
        Assert.True(Routes.TakesNewestFrom("KME_A"));
        Assert.False(Routes.TakesNewestFrom("KME_C"));
    }
}
