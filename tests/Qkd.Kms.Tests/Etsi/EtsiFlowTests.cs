using System.Net;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Etsi;

/// <summary>The whole ETSI GS QKD 014 flow over real HTTPS with mutual TLS between two KMEs on loopback.</summary>
public sealed class EtsiFlowTests : IAsyncLifetime
{
    private TestNetwork _t = null!;
    private SaeClient _a = null!;
    private SaeClient _b = null!;

    public async Task InitializeAsync()
    {
        _t = await TestNetwork.StartAsync();
        await _t.SupplyAsync(0, 2, 256 * 64);
        _a = _t.Sae("SAE_A");
        _b = _t.Sae("SAE_B");
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _t.DisposeAsync();
    }

    [Fact]
    public async Task EncKeysThenDecKeys_SlaveGetsSameBytesByKeyId()
    {
        var enc = await _a.EncKeysAsync("SAE_B", number: 3, size: 512);
        Assert.Equal(HttpStatusCode.OK, enc.Status);
        Assert.Equal(3, enc.Keys.Count);
        Assert.All(enc.Keys, k => Assert.Equal(64, k.Key.Length));
        Assert.All(enc.Keys, k => Assert.True(Guid.TryParseExact(k.Id, "D", out _)));

        var dec = await _b.DecKeysAsync("SAE_A", enc.Keys.Select(k => k.Id).ToArray());
        Assert.Equal(HttpStatusCode.OK, dec.Status);
        Assert.Equal(enc.Keys.Select(k => k.Id), dec.Keys.Select(k => k.Id));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(enc.Keys[i].Key, dec.Keys[i].Key);
        }
    }

    [Fact]
    public async Task GetVariants_EncKeysWithQueryAndDecKeysWithKeyId_Work()
    {
        var enc = await _a.GetAsync("/api/v1/keys/SAE_B/enc_keys?number=2&size=128");
        Assert.Equal(HttpStatusCode.OK, enc.Status);
        Assert.Equal(2, enc.Keys.Count);
        Assert.All(enc.Keys, k => Assert.Equal(16, k.Key.Length));
        var plain = await _a.GetAsync("/api/v1/keys/SAE_B/enc_keys");
        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal(32, Assert.Single(plain.Keys).Key.Length);

        var dec = await _b.GetAsync($"/api/v1/keys/SAE_A/dec_keys?key_ID={enc.Keys[1].Id}");
        Assert.Equal(HttpStatusCode.OK, dec.Status);
        Assert.Equal(enc.Keys[1].Key, Assert.Single(dec.Keys).Key);
    }

    [Fact]
    public async Task DecKeys_SameIdTwice_Returns400WithNormativeMessage()
    {
        var enc = await _a.EncKeysAsync("SAE_B");
        var id = enc.Keys[0].Id;
        Assert.Equal(HttpStatusCode.OK, (await _b.DecKeysAsync("SAE_A", id)).Status);
        var again = await _b.DecKeysAsync("SAE_A", id);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("one or more keys specified are not found on KME", again.Message);
    }

    [Fact]
    public async Task Status_ReportsSpecFieldsAndPoolLevel()
    {
        var s = await _a.GetAsync("/api/v1/keys/SAE_B/status");
        Assert.Equal(HttpStatusCode.OK, s.Status);
        var b = s.Body;
        Assert.Equal("KME_A", b.GetProperty("source_KME_ID").GetString());
        Assert.Equal("KME_B", b.GetProperty("target_KME_ID").GetString());
        Assert.Equal("SAE_A", b.GetProperty("master_SAE_ID").GetString());
        Assert.Equal("SAE_B", b.GetProperty("slave_SAE_ID").GetString());
        Assert.Equal(256, b.GetProperty("key_size").GetInt32());
        Assert.Equal(128, b.GetProperty("stored_key_count").GetInt64());
        Assert.True(b.GetProperty("max_key_count").GetInt64() >= 128);
        Assert.Equal(128, b.GetProperty("max_key_per_request").GetInt32());
        Assert.Equal(8192, b.GetProperty("max_key_size").GetInt32());
        Assert.Equal(64, b.GetProperty("min_key_size").GetInt32());
        Assert.Equal(8, b.GetProperty("max_SAE_ID_count").GetInt32());
    }

    [Fact]
    public async Task BothDirections_SaeBAsMaster_WorksFromTheOtherEndOfThePool()
    {
        var fromA = await _a.EncKeysAsync("SAE_B", 4);
        var fromB = await _b.EncKeysAsync("SAE_A", 4);
        Assert.Equal(HttpStatusCode.OK, fromA.Status);
        Assert.Equal(HttpStatusCode.OK, fromB.Status);
        var decA = await _a.DecKeysAsync("SAE_B", fromB.Keys.Select(k => k.Id).ToArray());
        Assert.Equal(fromB.Keys.Select(k => Convert.ToBase64String(k.Key)), decA.Keys.Select(k => Convert.ToBase64String(k.Key)));
        Assert.Empty(fromA.Keys.Select(k => Convert.ToBase64String(k.Key)).Intersect(fromB.Keys.Select(k => Convert.ToBase64String(k.Key))));
    }
}
