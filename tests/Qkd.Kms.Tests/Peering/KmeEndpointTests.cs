using System.Net;
using System.Text.Json;
using Qkd.Kms.Storage;
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
    public async Task Lease_LargerThanTheGrantingKmesLeaseUnits_IsRefusedWith409AndChangesNothing()
    {
        await using var t = await TestNetwork.StartAsync();
        using var device = As(t, "KME_B", "link_a_b");
        using var kmeA = As(t, "KME_B", "kme_a");
        var blockId = Guid.NewGuid();
        var pushed = await device.PostJsonAsync("/kme/v1/supply/blocks", JsonSerializer.Serialize(new { block_ID = blockId, key = Convert.ToBase64String(new byte[300 * 32]) }));
        Assert.Equal(300, pushed.Body.GetProperty("units").GetInt32());
        string Lease(int units) => JsonSerializer.Serialize(new { lease_ID = Guid.NewGuid(), units = Enumerable.Range(0, units).Select(i => new { block_ID = blockId, index = i }) });

        var tooLarge = await kmeA.PostJsonAsync("/kme/v1/leases", Lease(257));

        Assert.Equal(HttpStatusCode.Conflict, tooLarge.Status);
        Assert.Contains("keys.leaseUnits 256", tooLarge.Message, StringComparison.Ordinal);
        Assert.Equal(300, await t.Host("KME_B").Store.AvailableUnitsAsync("KME_A", default));
        Assert.Equal(HttpStatusCode.OK, (await kmeA.PostJsonAsync("/kme/v1/leases", Lease(256))).Status);
        Assert.Equal(44, await t.Host("KME_B").Store.AvailableUnitsAsync("KME_A", default));
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

    private static string Notice(Guid key, Guid block, int index, string? otp = null) => JsonSerializer.Serialize(new
    {
        notices = new[]
        {
            new
            {
                master_SAE_ID = "SAE_A",
                slave_SAE_IDs = new[] { "SAE_B" },
                destination_KME_ID = "KME_B",
                keys = new[] { new { key_ID = key, size = 256, units = new[] { new { block_ID = block, index } }, otp } },
            },
        },
    });

    [Fact]
    public async Task LeasesAndNotices_OnlyFromTheLinkedKme_NoticesUseLeasedUnitsOnceAndRepeatsAreDuplicates()
    {
        await using var t = await TestNetwork.StartAsync();
        var block = Guid.NewGuid();
        using (var device = As(t, "KME_B", "link_a_b"))
        {
            var pushed = await device.PostJsonAsync("/kme/v1/supply/blocks", JsonSerializer.Serialize(new { block_ID = block, key = Convert.ToBase64String(new byte[96]) }));
            Assert.Equal(3, pushed.Body.GetProperty("units").GetInt32());
        }
        using var sae = As(t, "KME_B", "sae_a");
        using var kmeA = As(t, "KME_B", "kme_a");
        using var slave = t.Sae("SAE_B");
        var lease = JsonSerializer.Serialize(new { lease_ID = Guid.NewGuid(), units = new[] { new { block_ID = block, index = 0 }, new { block_ID = block, index = 1 } } });

        Assert.Equal(HttpStatusCode.Unauthorized, (await sae.PostJsonAsync("/kme/v1/leases", lease)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await sae.PostJsonAsync("/kme/v1/notices", Notice(Guid.NewGuid(), block, 0))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await sae.PostJsonAsync("/kme/v1/flush", "{}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await kmeA.PostJsonAsync("/kme/v1/leases", lease)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await kmeA.PostJsonAsync("/kme/v1/leases", lease)).Status);

        var key = Guid.NewGuid();
        var first = await kmeA.PostJsonAsync("/kme/v1/notices", Notice(key, block, 0));
        var repeated = await kmeA.PostJsonAsync("/kme/v1/notices", Notice(key, block, 0));
        var unleased = await kmeA.PostJsonAsync("/kme/v1/notices", Notice(Guid.NewGuid(), block, 2));
        var withPad = await kmeA.PostJsonAsync("/kme/v1/notices", Notice(Guid.NewGuid(), block, 1, Convert.ToBase64String(new byte[32])));

        Assert.Equal(1, first.Body.GetProperty("applied").GetInt32());
        Assert.Equal(1, repeated.Body.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, unleased.Body.GetProperty("refused").GetInt32());
        Assert.Equal(1, withPad.Body.GetProperty("refused").GetInt32());
        var dec = await slave.DecKeysAsync("SAE_A", key.ToString());
        Assert.Equal(HttpStatusCode.OK, dec.Status);
        Assert.Equal(32, Assert.Single(dec.Keys).Key.Length);
        var c = await t.Host("KME_B").Store.CountsAsync(default);
        Assert.Equal(1, c.UnitsIn("KME_A", UnitState.Transferred));
        Assert.Equal(1, c.UnitsIn("KME_A", UnitState.Leased));
        Assert.Equal(1, c.UnitsIn("KME_A", UnitState.Available));
    }
}
