using System.Net;
using System.Text;
using System.Text.Json;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Etsi;

/// <summary>
/// ETSI GS QKD 014 V1.1.1 walked route by route (clause 5: Get status, Get key, Get key with key IDs, each
/// in its GET and POST form) on a real three-KME network (A-B linked, B-C linked, A-C through the relay B),
/// with the error cases of clause 6.5 (400/401/503 and their Error bodies) and the multicast keys of clause
/// 6.2 (additional_slave_SAE_IDs). The table in docs/kms.md ("Conformance") lists the same cases.
/// </summary>
public sealed class Etsi014ConformanceTests(Etsi014ConformanceTests.Network fixture) : IClassFixture<Etsi014ConformanceTests.Network>
{
    private readonly TestNetwork _t = fixture.T;
    private readonly SaeClient _a = fixture.A;
    private readonly SaeClient _b = fixture.B;
    private readonly SaeClient _c = fixture.C;

    public sealed class Network : IAsyncLifetime
    {
        public TestNetwork T { get; private set; } = null!;
        public SaeClient A { get; private set; } = null!;
        public SaeClient B { get; private set; } = null!;
        public SaeClient C { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            T = await TestNetwork.StartAsync(kmes: 3, saesPerKme: 2);
            await T.SupplyAsync(0, 1, 256 * 400);
            await T.SupplyAsync(1, 1, 256 * 400);
            A = T.Sae("SAE_A");
            B = T.Sae("SAE_B");
            C = T.Sae("SAE_C");
        }

        public async Task DisposeAsync()
        {
            A.Dispose();
            B.Dispose();
            C.Dispose();
            await T.DisposeAsync();
        }
    }

    /// <summary>An Error body (clause 6.5): an object with a string message and, if present, an array of objects as details.</summary>
    private static void AssertErrorBody(SaeClient.Reply r, HttpStatusCode status)
    {
        Assert.Equal(status, r.Status);
        Assert.Equal(JsonValueKind.Object, r.Body.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(r.Message));
        if (r.Body.TryGetProperty("details", out var details))
        {
            Assert.Equal(JsonValueKind.Array, details.ValueKind);
            Assert.All(details.EnumerateArray(), d => Assert.Equal(JsonValueKind.Object, d.ValueKind));
        }
        Assert.False(r.Body.TryGetProperty("keys", out _));
    }

    [Theory]
    [InlineData("SAE_B", "KME_B")]
    [InlineData("SAE_C", "KME_C")]
    public async Task GetStatus_DirectAndRelayedSlave_ReturnsEveryStatusFieldWithTheConfiguredLimits(string slave, string target)
    {
        var r = await _a.GetAsync($"/api/v1/keys/{slave}/status");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        var b = r.Body;
        Assert.Equal("KME_A", b.GetProperty("source_KME_ID").GetString());
        Assert.Equal(target, b.GetProperty("target_KME_ID").GetString());
        Assert.Equal("SAE_A", b.GetProperty("master_SAE_ID").GetString());
        Assert.Equal(slave, b.GetProperty("slave_SAE_ID").GetString());
        Assert.Equal(256, b.GetProperty("key_size").GetInt32());
        Assert.True(b.GetProperty("stored_key_count").GetInt64() > 0);
        Assert.True(b.GetProperty("max_key_count").GetInt64() >= b.GetProperty("stored_key_count").GetInt64());
        Assert.Equal(128, b.GetProperty("max_key_per_request").GetInt32());
        Assert.Equal(8192, b.GetProperty("max_key_size").GetInt32());
        Assert.Equal(64, b.GetProperty("min_key_size").GetInt32());
        Assert.Equal(8, b.GetProperty("max_SAE_ID_count").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{}")]
    [InlineData("null")]
    public async Task GetKeyPost_NoOrEmptyBody_MeansTheDefaultsAsGetWithoutParameters(string body)
    {
        var post = await _a.PostJsonAsync("/api/v1/keys/SAE_B/enc_keys", body);
        var get = await _a.GetAsync("/api/v1/keys/SAE_B/enc_keys");

        foreach (var r in new[] { post, get })
        {
            Assert.Equal(HttpStatusCode.OK, r.Status);
            var key = Assert.Single(r.Keys);
            Assert.Equal(32, key.Key.Length);
        }
        var dec = await _b.DecKeysAsync("SAE_A", post.Keys[0].Id, get.Keys[0].Id);
        Assert.Equal(HttpStatusCode.OK, dec.Status);
        Assert.Equal(post.Keys[0].Key, dec.Keys[0].Key);
    }

    [Fact]
    public async Task GetKeyPost_RequestWithoutContent_IsTheDefaultsToo()
    {
        var r = await _a.SendRawAsync(HttpMethod.Post, "/api/v1/keys/SAE_B/enc_keys", content: null);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Single(r.Keys);
    }

    [Fact]
    public async Task GetKeyGetAndPost_NumberAndSize_ServeThatManyKeysOfThatSizeAndTheSlaveGetsThemWithGetAndPost()
    {
        var get = await _a.GetAsync("/api/v1/keys/SAE_C/enc_keys?number=2&size=512");
        var post = await _a.EncKeysAsync("SAE_C", number: 2, size: 512);
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal(HttpStatusCode.OK, post.Status);
        Assert.All(get.Keys.Concat(post.Keys), k => Assert.Equal(64, k.Key.Length));

        var viaGet = await _c.GetAsync($"/api/v1/keys/SAE_A/dec_keys?key_ID={get.Keys[0].Id}");
        var viaPost = await _c.DecKeysAsync("SAE_A", get.Keys[1].Id, post.Keys[0].Id, post.Keys[1].Id);
        Assert.Equal(HttpStatusCode.OK, viaGet.Status);
        Assert.Equal(get.Keys[0].Key, viaGet.Keys[0].Key);
        Assert.Equal([get.Keys[1].Key, post.Keys[0].Key, post.Keys[1].Key], viaPost.Keys.Select(k => k.Key).ToArray());
        // Each key once: asking again is "not found".
        AssertErrorBody(await _c.GetAsync($"/api/v1/keys/SAE_A/dec_keys?key_ID={get.Keys[0].Id}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Multicast_AdditionalSlaveAtAnotherKme_EachSlaveFetchesTheSameKeyAtItsOwnKmeOnce()
    {
        var r = await _a.PostJsonAsync("/api/v1/keys/SAE_B/enc_keys", "{\"number\":2,\"size\":256,\"additional_slave_SAE_IDs\":[\"SAE_C\"]}");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        var ids = r.Keys.Select(k => k.Id).ToArray();

        var atB = await _b.DecKeysAsync("SAE_A", ids);
        var atC = await _c.DecKeysAsync("SAE_A", ids);

        Assert.Equal(HttpStatusCode.OK, atB.Status);
        Assert.Equal(HttpStatusCode.OK, atC.Status);
        Assert.Equal(r.Keys.Select(k => k.Key), atB.Keys.Select(k => k.Key));
        Assert.Equal(r.Keys.Select(k => k.Key), atC.Keys.Select(k => k.Key));
        AssertErrorBody(await _c.DecKeysAsync("SAE_A", ids[0]), HttpStatusCode.BadRequest);
        // An SAE at a KME that holds the key but was not named is refused there.
        using var b2 = _t.Sae("SAE_B2");
        AssertErrorBody(await b2.DecKeysAsync("SAE_A", ids[1]), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Multicast_SlaveRelayedAndAdditionalSlaveDirect_BothGetTheKey()
    {
        var r = await _a.PostJsonAsync("/api/v1/keys/SAE_C/enc_keys", "{\"additional_slave_SAE_IDs\":[\"SAE_B2\"]}");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        using var b2 = _t.Sae("SAE_B2");
        var atB = await b2.DecKeysAsync("SAE_A", r.Keys[0].Id);
        var atC = await _c.DecKeysAsync("SAE_A", r.Keys[0].Id);
        Assert.Equal(r.Keys[0].Key, atB.Keys[0].Key);
        Assert.Equal(r.Keys[0].Key, atC.Keys[0].Key);
    }

    [Theory]
    [InlineData("[]", "listed 0")]
    [InlineData("[\"\"]", "is blank")]
    [InlineData("[null]", "is blank")]
    [InlineData("[\"SAE_C\",\"SAE_C\"]", "is listed twice")]
    [InlineData("[\"SAE_A\"]", "is the master or the slave SAE itself")]
    [InlineData("[\"SAE_B\"]", "is the master or the slave SAE itself")]
    [InlineData("[\"SAE_X\"]", "is not known")]
    [InlineData("[\"SAE_A2\"]", "is attached to this KME")]
    [InlineData("[\"SAE_B2\"]", "which already holds the keys")]
    [InlineData("[\"S1\",\"S2\",\"S3\",\"S4\",\"S5\",\"S6\",\"S7\",\"S8\",\"S9\"]", "must list 1 to 8 SAE IDs")]
    public async Task Multicast_BadAdditionalSlaves_Return400WithErrorBodyAndServeNothing(string list, string reason)
    {
        var before = _t.Host("KME_A").Metrics.KeysServed.WithLabels("master").Value;
        var r = await _a.PostJsonAsync("/api/v1/keys/SAE_B/enc_keys", $"{{\"additional_slave_SAE_IDs\":{list}}}");
        AssertErrorBody(r, HttpStatusCode.BadRequest);
        Assert.Contains(reason, r.Message, StringComparison.Ordinal);
        Assert.Equal(before, _t.Host("KME_A").Metrics.KeysServed.WithLabels("master").Value);
    }

    [Fact]
    public async Task GetKeyWithKeyIds_MoreIdsThanMaxKeyPerRequest_Returns400BeforeLookingThemUp()
    {
        var ids = Enumerable.Range(0, 129).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var r = await _b.DecKeysAsync("SAE_A", ids);
        AssertErrorBody(r, HttpStatusCode.BadRequest);
        Assert.Contains("max_key_per_request", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/keys/SAE_B/enc_keys")]
    [InlineData("/api/v1/keys/SAE_A/dec_keys")]
    public async Task PostBodies_Over64KiB_AreRefusedWith400BeforeParsing(string path)
    {
        // Valid JSON up to the limit (whitespace), so only the size can be the reason.
        var big = "{" + new string(' ', 70 * 1024) + "}";
        var client = path.Contains("dec_keys", StringComparison.Ordinal) ? _b : _a;
        var declared = await client.PostJsonAsync(path, big);
        AssertErrorBody(declared, HttpStatusCode.BadRequest);
        Assert.Contains("larger than 65536 bytes", declared.Message, StringComparison.Ordinal);
        var chunked = await client.SendRawAsync(HttpMethod.Post, path, new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))));
        AssertErrorBody(chunked, HttpStatusCode.BadRequest);
        Assert.Contains("larger than 65536 bytes", chunked.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/keys/SAE_B/status")]
    [InlineData("GET", "/api/v1/keys/SAE_B/enc_keys")]
    [InlineData("POST", "/api/v1/keys/SAE_B/enc_keys")]
    [InlineData("GET", "/api/v1/keys/SAE_B/dec_keys?key_ID=00000000-0000-0000-0000-000000000001")]
    [InlineData("POST", "/api/v1/keys/SAE_B/dec_keys")]
    public async Task EveryRoute_CertificateOfTheCaThatIsNoSae_Returns401WithErrorBody(string method, string path)
    {
        var dir = Path.GetDirectoryName(_t.Net.Info.Ca)!;
        using var device = new SaeClient(new Uri(_t.Net.Info.Kmes[0].Url), _t.Net.Info.Ca, Path.Combine(dir, "link_a_b.pem"), Path.Combine(dir, "link_a_b.key"));
        var r = method == "GET" ? await device.GetAsync(path) : await device.PostJsonAsync(path, "{\"key_IDs\":[{\"key_ID\":\"00000000-0000-0000-0000-000000000001\"}]}");
        AssertErrorBody(r, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GetKey_PoolTooShort_Returns503WithErrorBodyInBothForms()
    {
        AssertErrorBody(await _a.GetAsync("/api/v1/keys/SAE_B/enc_keys?number=128&size=8192"), (HttpStatusCode)503);
        AssertErrorBody(await _a.EncKeysAsync("SAE_B", number: 128, size: 8192), (HttpStatusCode)503);
    }
}

/// <summary>Unknown key IDs in a burst: the pull towards the master's KME is shared and rate-limited (issue 13).</summary>
public sealed class UnknownKeyBurstTests
{
    [Fact]
    public async Task DecKeys_BurstOfUnknownIds_SharesPullsAtMostOnePerIntervalAndAnswersEach400()
    {
        await using var t = await TestNetwork.StartAsync();
        using var b = t.Sae("SAE_B");
        var pulls = t.Host("KME_B").Metrics.PeerPulls.WithLabels("KME_A");
        const int burst = 256;

        var started = System.Diagnostics.Stopwatch.StartNew();
        var replies = await Task.WhenAll(Enumerable.Range(0, burst).Select(_ => b.DecKeysAsync("SAE_A", Guid.NewGuid().ToString())));
        var elapsed = started.Elapsed;

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.BadRequest, r.Status));
        // One pull per MissPull interval at most (plus the one in flight), however many misses arrived meanwhile.
        var bound = 2 + (int)(elapsed / Qkd.Kms.Peering.MissPull.MinInterval);
        Assert.InRange(pulls.Value, 1, Math.Min(bound, burst - 1));
    }

    [Fact]
    public async Task DecKeys_KeyServedJustBeforeTheMiss_IsStillFoundThroughTheSharedPull()
    {
        await using var t = await TestNetwork.StartAsync();
        await t.SupplyAsync(0, 1, 256 * 40);
        using var a = t.Sae("SAE_A");
        using var b = t.Sae("SAE_B");
        var enc = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => a.EncKeysAsync("SAE_B")));
        var dec = await Task.WhenAll(enc.Select(e => b.DecKeysAsync("SAE_A", e.Keys[0].Id)));
        Assert.All(dec, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(enc.Select(e => e.Keys[0].Key), dec.Select(d => d.Keys[0].Key));
    }
}
