using System.Net;
using System.Security.Authentication;
using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Tests.Etsi;

/// <summary>Every error case of the ETSI routes, with the normative messages verbatim and the documented decisions.</summary>
public sealed class EtsiErrorTests(EtsiErrorTests.Network fixture) : IClassFixture<EtsiErrorTests.Network>
{
    private const string NotFound = "one or more keys specified are not found on KME";
    private readonly TestNetwork _t = fixture.T;
    private readonly SaeClient _a = fixture.A;
    private readonly SaeClient _b = fixture.B;

    /// <summary>One network for the whole class: every test here leaves the pools usable for the others.</summary>
    public sealed class Network : IAsyncLifetime
    {
        public TestNetwork T { get; private set; } = null!;
        public SaeClient A { get; private set; } = null!;
        public SaeClient B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            T = await TestNetwork.StartAsync(saesPerKme: 2);
            await T.SupplyAsync(0, 1, 256 * 40);
            A = T.Sae("SAE_A");
            B = T.Sae("SAE_B");
        }

        public async Task DisposeAsync()
        {
            A.Dispose();
            B.Dispose();
            await T.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("{\"number\":1,\"size\":12}", "size shall be a multiple of 8")]
    [InlineData("{\"extension_mandatory\":[{\"abc_route_type\":\"direct\"}]}", "not all extension_mandatory parameters are supported")]
    public async Task EncKeys_NormativeBadRequests_Return400WithSpecMessage(string body, string message)
    {
        var r = await _a.PostJsonAsync("/api/v1/keys/SAE_B/enc_keys", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(message, r.Message);
    }

    [Theory]
    [InlineData("{\"number\":0}", "number must be an integer within [1, 128]")]
    [InlineData("{\"number\":-3}", "number must be an integer within [1, 128]")]
    [InlineData("{\"number\":\"two\"}", "number must be an integer within [1, 128]")]
    [InlineData("{\"number\":1.5}", "number must be an integer within [1, 128]")]
    [InlineData("{\"number\":129}", "number must be an integer within [1, 128]")]
    [InlineData("{\"size\":0}", "size must be a positive integer")]
    [InlineData("{\"size\":-256}", "size must be a positive integer")]
    [InlineData("{\"size\":\"big\"}", "size must be a positive integer")]
    [InlineData("{\"size\":16384}", "size must be within [64, 8192] bits")]
    [InlineData("{\"size\":56}", "size must be within [64, 8192] bits")]
    [InlineData("{\"additional_slave_SAE_IDs\":[\"SAE_B2\"]}", "additional_slave_SAE_IDs: 'SAE_B2' is attached to KME")]
    [InlineData("not json", "request body is not a valid Key request JSON object")]
    public async Task EncKeys_InvalidParameters_Return400NamingTheParameter(string body, string messageStart)
    {
        var r = await _a.PostJsonAsync("/api/v1/keys/SAE_B/enc_keys", body);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.StartsWith(messageStart, r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/keys/SAE_B/enc_keys?number=abc")]
    [InlineData("/api/v1/keys/SAE_B/enc_keys?size=7")]
    [InlineData("/api/v1/keys/SAE_B/enc_keys?count=2")]
    [InlineData("/api/v1/keys/SAE_B/enc_keys?number=1&number=2")]
    [InlineData("/api/v1/keys/SAE_X/enc_keys")]
    [InlineData("/api/v1/keys/SAE_A/enc_keys")]
    [InlineData("/api/v1/keys/SAE_A2/enc_keys")]
    [InlineData("/api/v1/keys/SAE_X/status")]
    [InlineData("/api/v1/keys/SAE_B/dec_keys")]
    [InlineData("/api/v1/keys/SAE_B/dec_keys?key_ID=not-a-uuid")]
    public async Task GetRoutes_BadQueriesUnknownOrSameSae_Return400(string path)
    {
        var r = await _a.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.False(string.IsNullOrEmpty(r.Message));
    }

    [Fact]
    public async Task EncKeys_SizeNotMultipleOf8InQuery_ReturnsNormativeMessage()
    {
        var r = await _a.GetAsync("/api/v1/keys/SAE_B/enc_keys?size=100");
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("size shall be a multiple of 8", r.Message);
    }

    [Fact]
    public async Task DecKeys_UnknownMalformedDuplicateOrEmpty_Return400()
    {
        var unknown = await _b.DecKeysAsync("SAE_A", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal(NotFound, unknown.Message);
        var malformed = await _b.DecKeysAsync("SAE_A", "12345");
        Assert.Equal(NotFound, malformed.Message);
        var enc = await _a.EncKeysAsync("SAE_B");
        var duplicate = await _b.DecKeysAsync("SAE_A", enc.Keys[0].Id, enc.Keys[0].Id);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        var empty = await _b.PostJsonAsync("/api/v1/keys/SAE_A/dec_keys", "{\"key_IDs\":[]}");
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        // None of the failures consumed the key.
        Assert.Equal(HttpStatusCode.OK, (await _b.DecKeysAsync("SAE_A", enc.Keys[0].Id)).Status);
    }

    [Fact]
    public async Task DecKeys_AllOrNothing_OneUnknownIdDeliversNone()
    {
        var enc = await _a.EncKeysAsync("SAE_B", 2);
        var r = await _b.DecKeysAsync("SAE_A", enc.Keys[0].Id, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(NotFound, r.Message);
        var both = await _b.DecKeysAsync("SAE_A", enc.Keys[0].Id, enc.Keys[1].Id);
        Assert.Equal(HttpStatusCode.OK, both.Status);
        Assert.Equal(2, both.Keys.Count);
    }

    [Fact]
    public async Task DecKeys_WrongMasterInPath_Returns400NotFound()
    {
        var enc = await _a.EncKeysAsync("SAE_B");
        var r = await _b.DecKeysAsync("SAE_A2", enc.Keys[0].Id);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(NotFound, r.Message);
    }

    [Fact]
    public async Task DecKeys_SaeThatWasNotNamed_Gets401AndKeyStaysForTheNamedSlave()
    {
        var enc = await _a.EncKeysAsync("SAE_B");
        using var other = _t.Sae("SAE_B2");
        var r = await other.DecKeysAsync("SAE_A", enc.Keys[0].Id);
        Assert.Equal(HttpStatusCode.Unauthorized, r.Status);
        Assert.False(string.IsNullOrEmpty(r.Message));
        var ok = await _b.DecKeysAsync("SAE_A", enc.Keys[0].Id);
        Assert.Equal(enc.Keys[0].Key, ok.Keys[0].Key);
    }

    [Fact]
    public async Task EtsiRoutes_CertificateOfTheCaButNotAnSae_Get401WithJsonError()
    {
        var dir = Path.GetDirectoryName(_t.Net.Info.Ca)!;
        using var device = new SaeClient(new Uri(_t.Net.Info.Kmes[0].Url), _t.Net.Info.Ca, Path.Combine(dir, "link_a_b.pem"), Path.Combine(dir, "link_a_b.key"));
        foreach (var path in new[] { "/api/v1/keys/SAE_B/status", "/api/v1/keys/SAE_B/enc_keys", "/api/v1/keys/SAE_B/dec_keys?key_ID=" + Guid.NewGuid() })
        {
            var r = await device.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, r.Status);
            Assert.Contains("LINK_A_B", r.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tls_ClientCertificateFromAnotherCa_IsRefusedAtHandshake()
    {
        using var foreign = new TempDir();
        var other = DevCertificates.Create(foreign.Path, [], ["SAE_A"], [], DateTimeOffset.UtcNow);
        using var client = new SaeClient(new Uri(_t.Net.Info.Kmes[0].Url), _t.Net.Info.Ca, other.Saes[0].CertPath, other.Saes[0].KeyPath);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/api/v1/keys/SAE_B/status"));
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls_Both12And13_AreAccepted(SslProtocols protocol)
    {
        var sae = _t.Net.Info.Saes.Single(s => s.Id == "SAE_A");
        using var client = new SaeClient(new Uri(_t.Net.Info.Kmes[0].Url), _t.Net.Info.Ca, sae.Cert, sae.Key, protocol);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/keys/SAE_B/status")).Status);
    }

    [Fact]
    public async Task EncKeys_PoolTooShort_Returns503AndServesNothing()
    {
        var before = await _t.Host("KME_A").Store.CountsAsync(default);
        var r = await _a.EncKeysAsync("SAE_B", number: 100, size: 1024);
        Assert.Equal((HttpStatusCode)503, r.Status);
        Assert.Contains("not enough key material", r.Message, StringComparison.Ordinal);
        var after = await _t.Host("KME_A").Store.CountsAsync(default);
        Assert.Equal(0, after.UnitsIn(UnitState.Reserved));
        Assert.Equal(before.UnitsIn(UnitState.Delivered), after.UnitsIn(UnitState.Delivered));
    }
}
