using System.Net;
using System.Text.Json;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Peering;

/// <summary>The KME-to-KME and key-supply endpoints accept only the identities the config names.</summary>
public sealed class KmeEndpointTests
{
    private static SaeClient As(TestNetwork t, string kmeUrlOf, string identity)
    {
        var certs = Path.GetDirectoryName(t.Net.Info.Ca)!;
        var url = t.Net.Info.Kmes.Single(k => k.Id == kmeUrlOf).Url;
        return new SaeClient(new Uri(url), t.Net.Info.Ca, Path.Combine(certs, identity + ".pem"), Path.Combine(certs, identity + ".key"));
    }

    private static string Transfer(string slave, Guid block, int index) => JsonSerializer.Serialize(new
    {
        master_SAE_ID = "SAE_A",
        slave_SAE_IDs = new[] { slave },
        destination_KME_ID = "KME_B",
        keys = new[] { new { key_ID = Guid.NewGuid(), size = 256, units = new[] { new { block_ID = block, index } }, otp = (string?)null } },
    });

    [Fact]
    public async Task KeyTransfer_FromAnSaeOrForUnknownUnitsOrForeignSlave_IsRefused()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256 * 2);
        using var sae = As(t, "KME_B", "sae_a");
        using var kmeA = As(t, "KME_B", "kme_a");

        Assert.Equal(HttpStatusCode.Unauthorized, (await sae.PostJsonAsync("/kme/v1/keys", Transfer("SAE_B", Guid.NewGuid(), 0))).Status);
        var unknown = await kmeA.PostJsonAsync("/kme/v1/keys", Transfer("SAE_B", Guid.NewGuid(), 0));
        Assert.Equal(HttpStatusCode.Conflict, unknown.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await kmeA.PostJsonAsync("/kme/v1/keys", Transfer("SAE_X", Guid.NewGuid(), 0))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await kmeA.PostJsonAsync("/kme/v1/keys", "{}")).Status);
        Assert.Equal(2, await t.Host("KME_B").Store.AvailableUnitsAsync("KME_A", default));
    }

    [Fact]
    public async Task KeySupply_OnlyTheLinkDeviceMayPushBlocks_AndRepeatsAreIgnored()
    {
        await using var t = await TestNetwork.StartAsync();
        using var sae = As(t, "KME_A", "sae_a");
        using var device = As(t, "KME_A", "link_a_b");
        var block = JsonSerializer.Serialize(new { block_ID = Guid.NewGuid(), key = Convert.ToBase64String(new byte[64]) });

        Assert.Equal(HttpStatusCode.Unauthorized, (await sae.PostJsonAsync("/kme/v1/supply/blocks", block)).Status);
        var first = await device.PostJsonAsync("/kme/v1/supply/blocks", block);
        var again = await device.PostJsonAsync("/kme/v1/supply/blocks", block);
        Assert.Equal("added", first.Body.GetProperty("result").GetString());
        Assert.Equal(2, first.Body.GetProperty("units").GetInt32());
        Assert.Equal("duplicate", again.Body.GetProperty("result").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await device.PostJsonAsync("/kme/v1/supply/blocks", "{\"block_ID\":1}")).Status);
        Assert.Equal(2, await t.Host("KME_A").Store.AvailableUnitsAsync("KME_B", default));
    }
}
