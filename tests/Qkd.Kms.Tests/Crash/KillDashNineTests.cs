using System.Collections.Concurrent;
using System.Net;
using Qkd.Kms.Config;
using Qkd.Kms.Dev;
using Qkd.Kms.Storage;
using Qkd.Kms.Supply;
using Qkd.Kms.Tests.Support;
using Qkd.Kms.Tls;

namespace Qkd.Kms.Tests.Crash;

/// <summary>KME_A as a separate process, SIGKILLed in the middle of enc_keys load, restarted on the same SQLite file.</summary>
public sealed class KillDashNineTests
{
    private const int SuppliedUnits = 1200;

    [Fact]
    public async Task KmeKilledUnderLoad_Restarted_NoKeyServedTwiceAndCountsAddUp()
    {
        using var dir = new TempDir();
        var (info, paths) = DevNetwork.WriteFiles(new DevNetworkOptions { Directory = dir.Path, RunSupply = false, PrefillBits = 0 }, DateTimeOffset.UtcNow);
        await using var kmeB = await KmsHost.StartAsync(KmsConfig.Load(paths[1]), _ => { });
        var kmeA = await KmeProcess.StartAsync(paths[0], TimeSpan.FromSeconds(60));
        try
        {
            using var trust = CertificateTrust.FromPem(info.Ca);
            var certs = Path.GetDirectoryName(info.Ca)!;
            using var device = DevCertificates.LoadWithKey(Path.Combine(certs, "link_a_b.pem"), Path.Combine(certs, "link_a_b.key"));
            using var sinkA = new HttpsKeyBlockSink(new Uri(info.Kmes[0].Url), "KME_A", device, trust);
            using var sinkB = new HttpsKeyBlockSink(kmeB.Url, "KME_B", device, trust);
            var pump = new KeySupplyPump(sinkA, sinkB, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            Assert.True(await pump.DeliverAsync(SimulatedKeySupply.Burst(256L * SuppliedUnits), default));

            using var a = new SaeClient(new Uri(info.Kmes[0].Url), info.Ca, info.Saes[0].Cert, info.Saes[0].Key);
            using var b = new SaeClient(kmeB.Url, info.Ca, info.Saes[1].Cert, info.Saes[1].Key);
            var served = new ConcurrentQueue<(string Id, byte[] Key)>();
            var failures = 0;
            using var stop = new CancellationTokenSource();

            async Task Load()
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var r = await a.EncKeysAsync("SAE_B", 2);
                        if (r.Status == HttpStatusCode.OK)
                        {
                            foreach (var k in r.Keys)
                            {
                                served.Enqueue(k);
                            }
                        }
                        else
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }

            async Task UntilServed(int count)
            {
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (served.Count < count)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"only {served.Count} of {count} keys served before the deadline");
                    await Task.Yield();
                    await Task.Delay(1);
                }
            }

            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Load)).ToList();
            await UntilServed(200);
            await kmeA.KillAsync();
            var atKill = served.Count;
            kmeA.Dispose();
            kmeA = await KmeProcess.StartAsync(paths[0], TimeSpan.FromSeconds(60));
            await UntilServed(atKill + 200);
            await stop.CancelAsync();
            await Task.WhenAll(workers);

            var keys = served.ToList();
            Assert.Equal(keys.Count, keys.Select(k => k.Id).Distinct().Count());
            Assert.Equal(keys.Count, keys.Select(k => Convert.ToBase64String(k.Key)).Distinct().Count());
            foreach (var batch in keys.Chunk(64))
            {
                var dec = await b.DecKeysAsync("SAE_A", batch.Select(k => k.Id).ToArray());
                Assert.Equal(HttpStatusCode.OK, dec.Status);
                Assert.Equal(batch.Select(k => Convert.ToBase64String(k.Key)), dec.Keys.Select(k => Convert.ToBase64String(k.Key)));
            }

            await kmeA.KillAsync();
            await using var storeA = new SqliteKeyStore(Path.Combine(dir.Path, "kme_a.db"));
            var ca = await storeA.CountsAsync(default);
            var cb = await kmeB.Store.CountsAsync(default);
            Assert.Equal(SuppliedUnits, ca.UnitsOf("KME_B"));
            Assert.Equal(SuppliedUnits, cb.UnitsOf("KME_A"));
            var delivered = ca.UnitsIn("KME_B", UnitState.Delivered);
            var transferred = cb.UnitsIn("KME_A", UnitState.Transferred);
            // Keys committed at A whose reply the kill cut off were delivered but never seen by a client (at most one per request in flight).
            Assert.InRange(keys.Count, delivered - 16, delivered);
            // B stores a key once A's notice arrives; notices still in A's outbox at the final kill are not there yet.
            Assert.InRange(transferred, keys.Count, delivered);
            Assert.Equal(keys.Count, cb.KeysIn(KeyState.Delivered));
            Assert.Equal(transferred, cb.KeysIn(KeyState.Delivered) + cb.KeysIn(KeyState.Pending));
            // Every unit is in exactly one state at each end: nothing lost, nothing counted twice.
            Assert.Equal(SuppliedUnits, ca.UnitsIn(UnitState.Available) + delivered + ca.UnitsIn(UnitState.Discarded) + ca.UnitsIn(UnitState.Reserved) + ca.UnitsIn(UnitState.Owned));
            Assert.Equal(SuppliedUnits, cb.UnitsIn(UnitState.Available) + transferred + cb.UnitsIn(UnitState.Leased));
            // What B leased to A is at A either still owned, served (delivered), or discarded by a lease the kill interrupted.
            Assert.InRange(cb.UnitsIn(UnitState.Leased) + transferred, ca.UnitsIn(UnitState.Owned) + delivered, ca.UnitsIn(UnitState.Owned) + delivered + ca.UnitsIn(UnitState.Discarded));
            Assert.True(failures > 0, "the kill interrupted requests in flight");
        }
        finally
        {
            kmeA?.Dispose();
        }
    }
}
