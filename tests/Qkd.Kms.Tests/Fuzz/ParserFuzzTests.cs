using System.Net;
using FsCheck;
using FsCheck.Xunit;
using Qkd.Kms.Storage;
using Qkd.Kms.Tests.Support;

namespace Qkd.Kms.Tests.Fuzz;

/// <summary>
/// FsCheck properties over the ETSI request parsers and the KME-to-KME message parsers, through the real
/// endpoints of a running KME (issue 13): random and mutated inputs never crash the KME, never reach the
/// catch-all failure answer (an unhandled exception), and never deliver a key that should not be delivered.
/// Inputs: a valid request picked from a list, then mutated (replaced, spliced, truncated or a character
/// changed) with FsCheck's random strings; seeded with Replay. docs/kms.md "Fuzzing" counts them.
/// </summary>
public sealed class ParserFuzzTests(ParserFuzzTests.Network fixture) : IClassFixture<ParserFuzzTests.Network>
{
    internal const int InputsPerProperty = 250;
    private const string InternalFailure = "the KME failed to process the request; no key was served";

    public sealed class Network : IAsyncLifetime
    {
        public TestNetwork T { get; private set; } = null!;
        public SaeClient A { get; private set; } = null!;
        public SaeClient B { get; private set; } = null!;
        public SaeClient PeerB { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            T = await TestNetwork.StartAsync();
            await T.SupplyAsync(0, 1, 256 * 4000);
            A = T.Sae("SAE_A");
            B = T.Sae("SAE_B");
            var certs = Path.GetDirectoryName(T.Net.Info.Ca)!;
            PeerB = new SaeClient(new Uri(T.Net.Info.Kmes[0].Url), T.Net.Info.Ca, Path.Combine(certs, "kme_b.pem"), Path.Combine(certs, "kme_b.key"));
        }

        public async Task DisposeAsync()
        {
            A.Dispose();
            B.Dispose();
            PeerB.Dispose();
            await T.DisposeAsync();
        }
    }

    private static readonly string[] EncSeeds =
    [
        "{}", "{\"number\":1}", "{\"number\":2,\"size\":512}", "{\"size\":256}", "{\"additional_slave_SAE_IDs\":[\"SAE_B\"]}",
        "{\"extension_optional\":[{\"x\":1}]}", "{\"number\":1,\"size\":256,\"extension_mandatory\":[]}",
    ];

    private static readonly string[] DecSeeds =
    [
        "{\"key_IDs\":[{\"key_ID\":\"5e1c1f7a-3d3b-4d2a-9d7e-0c7b2b1e9a11\"}]}",
        "{\"key_IDs\":[{\"key_ID\":\"5e1c1f7a-3d3b-4d2a-9d7e-0c7b2b1e9a11\",\"key_ID_extension\":{}}],\"key_IDs_extension\":null}",
        "{\"key_IDs\":[]}",
    ];

    private static readonly string[] PeerSeeds =
    [
        "{\"notices\":[{\"master_SAE_ID\":\"SAE_B\",\"slave_SAE_IDs\":[\"SAE_A\"],\"destination_KME_ID\":\"KME_A\",\"keys\":[{\"key_ID\":\"5e1c1f7a-3d3b-4d2a-9d7e-0c7b2b1e9a11\",\"size\":256,\"units\":[{\"block_ID\":\"0e1c1f7a-3d3b-4d2a-9d7e-0c7b2b1e9a12\",\"index\":0}],\"otp\":null}]}]}",
        "{\"master_SAE_ID\":\"SAE_B\",\"slave_SAE_IDs\":[\"SAE_A\"],\"destination_KME_ID\":\"KME_A\",\"keys\":[{\"key_ID\":\"5e1c1f7a-3d3b-4d2a-9d7e-0c7b2b1e9a11\",\"size\":256,\"units\":[{\"block_ID\":\"0e1c1f7a-3d3b-4d2a-9d7e-0c7b2b1e9a12\",\"index\":0}],\"otp\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}]}",
        "{\"lease_ID\":\"5e1c1f7a-3d3b-4d2a-9d7e-0c7b2b1e9a11\",\"units\":[{\"block_ID\":\"0e1c1f7a-3d3b-4d2a-9d7e-0c7b2b1e9a12\",\"index\":-1}]}",
    ];

    /// <summary>A seed, mutated by <paramref name="mode"/>: 0 as is, 1 replaced by junk, 2 junk spliced in, 3 truncated, 4 one character changed.</summary>
    private static string Mutate(string[] seeds, NonNegativeInt pick, string? junk, NonNegativeInt at, byte mode)
    {
        var seed = seeds[pick.Get % seeds.Length];
        junk ??= "";
        var i = seed.Length == 0 ? 0 : at.Get % seed.Length;
        return (mode % 5) switch
        {
            0 => seed,
            1 => junk,
            2 => seed[..i] + junk + seed[i..],
            3 => seed[..i],
            _ => seed[..i] + (junk.Length > 0 ? junk[0] : '\u0000') + seed[(i + 1)..],
        };
    }

    private static T Run<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();

    private static bool Handled(SaeClient.Reply r)
        => (int)r.Status < 500 || (r.Status == HttpStatusCode.ServiceUnavailable && r.Message != InternalFailure);

    [Property(MaxTest = InputsPerProperty, Replay = "(20261206,13)")]
    public bool EncKeys_MutatedBodies_AreAnsweredWithoutFailureAndServeOnlyWellFormedRequests(NonNegativeInt pick, string junk, NonNegativeInt at, byte mode)
    {
        var body = Mutate(EncSeeds, pick, junk, at, mode);
        var r = Run(() => fixture.A.PostJsonAsync("/api/v1/keys/SAE_B/enc_keys", body));
        return Handled(r) && r.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.ServiceUnavailable
            && (r.Status != HttpStatusCode.OK || r.Keys.Count >= 1);
    }

    [Property(MaxTest = InputsPerProperty, Replay = "(20261206,15)")]
    public bool DecKeys_MutatedBodies_NeverDeliverAKey(NonNegativeInt pick, string junk, NonNegativeInt at, byte mode)
    {
        var body = Mutate(DecSeeds, pick, junk, at, mode);
        var r = Run(() => fixture.B.PostJsonAsync("/api/v1/keys/SAE_A/dec_keys", body));
        return Handled(r) && r.Status == HttpStatusCode.BadRequest;
    }

    [Property(MaxTest = InputsPerProperty, Replay = "(20261206,17)")]
    public bool EtsiQueries_MutatedParameters_AreAnsweredWithoutFailure(string number, string size, string keyId)
    {
        var enc = Run(() => fixture.A.GetAsync($"/api/v1/keys/SAE_B/enc_keys?number={Uri.EscapeDataString(number ?? "")}&size={Uri.EscapeDataString(size ?? "")}"));
        var dec = Run(() => fixture.B.GetAsync($"/api/v1/keys/SAE_A/dec_keys?key_ID={Uri.EscapeDataString(keyId ?? "")}"));
        return Handled(enc) && Handled(dec) && dec.Status == HttpStatusCode.BadRequest;
    }

    [Property(MaxTest = InputsPerProperty, Replay = "(20261206,19)")]
    public bool KmeRoutes_MutatedNoticesTransfersAndLeasesFromThePeer_CreateNoKeyAndNeverFail(NonNegativeInt pick, string junk, NonNegativeInt at, byte mode, NonNegativeInt route)
    {
        var body = Mutate(PeerSeeds, pick, junk, at, mode);
        var path = (route.Get % 3) switch { 0 => "/kme/v1/notices", 1 => "/kme/v1/keys", _ => "/kme/v1/leases" };
        var before = Run(() => fixture.T.Host("KME_A").Store.CountsAsync(default));
        var r = Run(() => fixture.PeerB.PostJsonAsync(path, body));
        var after = Run(() => fixture.T.Host("KME_A").Store.CountsAsync(default));
        // Nothing the peer can send without units leased or available to it makes a key for an SAE of KME_A.
        var pendingBefore = before.Keys.TryGetValue(KeyState.Pending, out var p0) ? p0 : 0;
        var pendingAfter = after.Keys.TryGetValue(KeyState.Pending, out var p1) ? p1 : 0;
        return Handled(r) && pendingAfter == pendingBefore;
    }

    [Fact]
    public void Mutate_CoversEveryMode()
    {
        var seeds = new[] { "{\"a\":1}" };
        var outs = Enumerable.Range(0, 5).Select(m => Mutate(seeds, NonNegativeInt.NewNonNegativeInt(0), "X", NonNegativeInt.NewNonNegativeInt(3), (byte)m)).ToList();
        Assert.Equal(["{\"a\":1}", "X", "{\"aX\":1}", "{\"a", "{\"aX:1}"], outs);
    }
}
