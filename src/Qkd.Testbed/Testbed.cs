using System.Globalization;
using Qkd.Gateway.Edge;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Pipeline;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Sensors;
using Qkd.Kms.Dev;
using Qkd.Testbed.Link;
using Qkd.Testbed.Observation;

namespace Qkd.Testbed;

/// <summary>
/// The Turin testbed in this process, over real sockets: the development KMS chain (two or three KMEs over mutual
/// TLS) fed by simulated BB84 links (<see cref="LiveLink"/>, one per KME pair, the attacker on the first) or random
/// blocks, the embedded MQTT broker, the senders of the chosen scheme publishing ciphertext, and the edge receiver
/// that fetches each key by ID, decrypts and stores. Everything it sees goes to a <see cref="TestbedMonitor"/>.
/// </summary>
public sealed partial class Testbed
{
    private readonly TestbedSettings _s;
    private readonly TimeProvider _time;

    public Testbed(TestbedSettings settings, TestbedMonitor monitor, TimeProvider? time = null)
    {
        _s = Guard.NotNull(settings).Validated();
        Monitor = Guard.NotNull(monitor);
        _time = time ?? TimeProvider.System;
    }

    public TestbedMonitor Monitor { get; }

    /// <summary>The description a monitor of <paramref name="s"/> shows.</summary>
    public static TestbedDescription Describe(TestbedSettings s)
    {
        Guard.NotNull(s);
        var bb84 = s.Supply == KeySupplyChoice.Bb84;
        var kmes = DevNetwork.KmeIds(s.Kmes);
        var links = Enumerable.Range(0, kmes.Count - 1).Select(i => $"LINK_{kmes[i][^1]}_{kmes[i + 1][^1]}").ToList();
        var eve = s.Eve is { } e ? new EavesdropperSummary(e.KindName, e.Fraction, e.AtSeconds, e.UntilSeconds, links[0]) : null;
        return new TestbedDescription(bb84 ? "bb84" : "random", s.Link.Link.Preset, s.Link.Link.Link.Fiber.LengthKm, bb84 ? s.Link.Link.BlockSeconds : 0,
            bb84 ? s.Link.TimeScale : 1, SchemeName(s.Scheme), s.Sensors, s.Kmes, links, s.DurationSeconds, eve);
    }

    /// <summary>The MQTT identity (client certificate common name) of the demo's read-only wire observer.</summary>
    public const string WireObserver = "OBSERVER";

    /// <summary>SAE ID of sender stream <paramref name="i"/>: SAE_A, SAE_A2, SAE_A3, ...</summary>
    public static string SenderSae(int i) => i == 0 ? "SAE_A" : "SAE_A" + (i + 1).ToString(CultureInfo.InvariantCulture);

    public static string SchemeName(EncryptionScheme scheme) => scheme == EncryptionScheme.Fixed ? "fixed" : "per-device";

    /// <summary>
    /// Runs the testbed for its duration, or until <paramref name="ct"/> fires: start-up always completes (it is short), then the
    /// sensors stop, the senders and receiver drain, servers and stores close and the result is measured as for a full run.
    /// </summary>
    /// <remarks>
    /// Long on purpose (about 150 lines): it composes the chain top to bottom in the order the data flows (links, KMEs,
    /// broker, receiver, senders, sensors), and every server, store and bridge it opens is an <c>await using</c> of this
    /// one scope, so they close in the reverse order of opening whatever ends the run. The measurement that follows
    /// is in Testbed.Measurement.cs.
    /// </remarks>
    public async Task<(TestbedResult Result, IReadOnlyList<EdgeStore.Row> Rows)> RunAsync(Action<string> status, string? dashboardUrl, CancellationToken ct)
    {
        Guard.NotNull(status);
        var s = _s;
        Directory.CreateDirectory(s.OutDirectory);
        var kmsDir = Path.Combine(Path.GetTempPath(), "qkd-demo-" + Guid.NewGuid().ToString("N")[..12]);
        var edgePath = Path.Combine(s.OutDirectory, "edge.db");
        foreach (var f in new[] { edgePath, edgePath + "-wal", edgePath + "-shm" })
        {
            File.Delete(f);
        }
        var bb84 = s.Supply == KeySupplyChoice.Bb84;
        var streams = s.Scheme == EncryptionScheme.Fixed ? 1 : s.Sensors;
        try
        {
            status(bb84
                ? $"starting {s.Kmes} KMEs over mutual TLS, fed by simulated {s.Link.Link.Preset} BB84 links ({s.Link.Link.BlockSeconds} s blocks, link time x{s.Link.TimeScale})"
                : $"starting {s.Kmes} KMEs over mutual TLS, fed by random key at {s.RandomRateBitsPerSecond} bit/s");
            await using var net = await DevNetwork.StartAsync(new DevNetworkOptions
            {
                Directory = kmsDir,
                Kmes = s.Kmes,
                SaesPerKme = streams,
                Supply = bb84 ? KeySupplyKind.Bb84 : KeySupplyKind.Random,
                RunSupply = !bb84,
                RateBitsPerSecond = s.RandomRateBitsPerSecond,
                PrefillBits = s.PrefillBits,
            }, logging: _ => { }, time: _time, ct: CancellationToken.None); // no log providers: the host reports
            var dev = DevNetworkFile.Load(net.DevJsonPath);
            using var linkStop = new CancellationTokenSource();
            var liveLinks = new List<LiveLink>();
            var pumps = new List<Task>();
            if (bb84)
            {
                for (var i = 0; i < net.Links.Count; i++)
                {
                    var link = net.Links[i];
                    var settings = s.Link with
                    {
                        Link = s.Link.Link with { Seed = DevNetwork.LinkSeed(s.Seed, i) },
                        Eve = i == 0 && s.Eve is { } eve ? eve.InLinkTime(s.Link.TimeScale) : Qkd.Bb84.Eavesdropping.EavesdropperWindow.None,
                    };
                    var live = new LiveLink(link.Id, settings, _time, Monitor);
                    liveLinks.Add(live);
                    pumps.Add(link.Pump.RunAsync(live, linkStop.Token));
                }
            }
            var slaveSae = s.Kmes == 3 ? "SAE_C" : "SAE_B";
            var kmeIds = DevNetwork.KmeIds(s.Kmes);
            var senders = Enumerable.Range(0, streams).Select(SenderSae).ToList();
            // MQTT over TLS on loopback: the broker's own CA, one client certificate per gateway (CN = SAE ID) and one for
            // the wire observer; the ACL lets each sender publish only its own streams, the edge and the observer only read them.
            var mqttCerts = BrokerCertificates.Create(Path.Combine(kmsDir, "mqtt"), [.. senders, slaveSae, WireObserver], _time.GetUtcNow());
            var acl = BrokerAcl.ForGateways(senders, new Dictionary<string, IReadOnlyList<string>> { [slaveSae] = senders, [WireObserver] = senders });
            await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Tls = mqttCerts, Acl = acl });
            status($"embedded MQTT broker on {broker.Address} (TLS, client certificates, ACL); {s.Sensors} sensor(s) at 10 Hz, scheme {SchemeName(s.Scheme)}, mode {ModeName(s.Mode)}, {s.DurationSeconds} s");

            var kem = s.Mode == SealingMode.Hybrid ? MlKem768.Generate() : null;
            // The receiver pins each sender to the run's mode; in hybrid mode each sender signs its epochs with an ML-DSA-65 key made for this run.
            var signers = senders.ToDictionary(x => x, _ => s.Mode == SealingMode.Hybrid ? MlDsa65.Generate() : null);
            var policy = new ReceiverPolicy(senders.Select(x => new SenderTrust(x, s.Mode, signers[x]?.PublicKey)));
            using var store = new EdgeStore(edgePath);
            using var opener = new MessageOpener(policy, kem);
            using var slaveKme = new EtsiKeyClient(dev.Credentials(slaveSae));
            var slave = new SlaveGateway(slaveKme, opener, store, _time);
            await using var rxBridge = await MqttBridge.ConnectAsync(broker.Address, "edge-gateway-" + slaveSae, mqttCerts.SecurityOf(slaveSae), ct: CancellationToken.None);
            await using var observer = await MqttBridge.ConnectAsync(broker.Address, "wire-observer", mqttCerts.SecurityOf(WireObserver), ct: CancellationToken.None);
            foreach (var sender in senders)
            {
                await rxBridge.SubscribeAsync($"qkd/sealed/{sender}/#", CancellationToken.None);
                await observer.SubscribeAsync($"qkd/sealed/{sender}/#", CancellationToken.None);
            }
            using var rxStop = new CancellationTokenSource();
            var rxTask = slave.RunAsync(rxBridge, rxStop.Token);

            var masters = new List<(MasterGateway Gateway, EtsiKeyClient Kme, MqttBridge Bridge, MessageSealer Sealer)>();
            using var gwStop = new CancellationTokenSource();
            var gwTasks = new List<Task>();
            for (var i = 0; i < streams; i++)
            {
                var sae = senders[i];
                var kme = new EtsiKeyClient(dev.Credentials(sae));
                var bridge = await MqttBridge.ConnectAsync(broker.Address, "gateway-" + sae, mqttCerts.SecurityOf(sae), ct: CancellationToken.None);
                var device = s.Scheme == EncryptionScheme.Fixed ? "router" : DeviceId(i);
                var sealer = new MessageSealer(s.Mode, sae, device, s.Refresh, kem?.EncapsulationKey, s.OtpKeyBits, signers[sae]);
                var gw = new MasterGateway(kme, slaveSae, sealer, bridge.PublishAsync, s.QueueCapacity, time: _time);
                masters.Add((gw, kme, bridge, sealer));
                gwTasks.Add(gw.RunAsync(gwStop.Token));
            }

            Monitor.SetPhase("running");
            var started = _time.GetTimestamp();
            using var sampleStop = new CancellationTokenSource();
            var sampler = SampleAsync(masters, slave, store, kmeIds[0], masters[0].Kme, slaveSae, started, sampleStop.Token);
            using var sensorStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            sensorStop.CancelAfter(TimeSpan.FromSeconds(s.DurationSeconds));
            // Per-device: each device's own driver and gateway. Fixed: the router reads all devices per tick and seals one aggregate.
            var sensorTasks = s.Scheme == EncryptionScheme.Fixed
                ? [SensorDriver.RunAggregatedAsync([.. Enumerable.Range(0, s.Sensors).Select(i => (DeviceId(i), new PowerMonitorSimulator(s.Seed, i)))],
                    masters[0].Gateway.Submit, _time, sensorStop.Token)]
                : Enumerable.Range(0, s.Sensors).Select(i => SensorDriver.RunAsync(new PowerMonitorSimulator(s.Seed, i), masters[i].Gateway.Submit, _time, sensorStop.Token))
                .ToList();
            var produced = (await Task.WhenAll(sensorTasks)).Sum();
            var sensingSeconds = _time.GetElapsedTime(started).TotalSeconds;
            Monitor.SetPhase("draining");

            // Let senders drain what they hold for a moment (they still need key for it), then stop them.
            foreach (var m in masters)
            {
                m.Gateway.Complete();
            }
            await Task.WhenAny(Task.WhenAll(gwTasks), Task.Delay(TimeSpan.FromSeconds(2), _time, CancellationToken.None));
            await gwStop.CancelAsync();
            await IgnoreCancellation(Task.WhenAll(gwTasks));
            var sent = masters.Sum(m => m.Gateway.Stats.Sent) * ReadingsPerMessage(s);
            using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time))
            {
                await IgnoreCancellation(slave.Stats.Changed.WaitUntilAsync(() => slave.Stats.Processed >= sent, drain.Token));
            }
            await linkStop.CancelAsync();
            await IgnoreCancellation(Task.WhenAll(pumps));
            await sampleStop.CancelAsync();
            await IgnoreCancellation(sampler);
            await rxStop.CancelAsync();
            await IgnoreCancellation(rxTask);

            var rows = store.ReadAll();
            // The observer is a subscriber of its own: the broker may still be delivering the last messages to it after the
            // edge stored them, so it gets up to 2 s to catch up with what the senders published.
            var observed = new List<MqttBridge.ReceivedMessage>();
            var published = masters.Sum(m => m.Gateway.Stats.Sent);
            using (var observe = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time))
            {
                try
                {
                    do
                    {
                        while (observer.Received.TryRead(out var m))
                        {
                            observed.Add(m);
                        }
                    }
                    while (observed.Count < published && await observer.Received.WaitToReadAsync(observe.Token));
                }
                catch (OperationCanceledException)
                {
                    // Counted as seen so far: the result reports what the observer got.
                }
            }
            var result = Measure(s, masters.Select(m => (m.Gateway, m.Sealer)).ToList(), slave, broker, observed, rows, liveLinks, produced, sensingSeconds, edgePath,
                kmeIds, dashboardUrl);
            Monitor.SetSchemes(result.Schemes);
            foreach (var m in masters)
            {
                await m.Bridge.DisposeAsync();
                m.Kme.Dispose();
                m.Sealer.Dispose();
            }
            Monitor.SetPhase("finished");
            return (result, rows);
        }
        finally
        {
            try
            {
                Directory.Delete(kmsDir, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }

    /// <summary>Polls the KMEs' pool level, the gateways' counters and the edge store's last readings every 250 ms.</summary>
    private async Task SampleAsync(List<(MasterGateway Gateway, EtsiKeyClient Kme, MqttBridge Bridge, MessageSealer Sealer)> masters, SlaveGateway slave,
        EdgeStore store, string plantKme, EtsiKeyClient plant, string slaveSae, long started, CancellationToken ct)
    {
        var tick = 0;
        while (!ct.IsCancellationRequested)
        {
            var now = _time.GetElapsedTime(started).TotalSeconds;
            try
            {
                var status = await plant.StatusAsync(slaveSae, ct);
                Monitor.AddPool(new PoolSample(Math.Round(now, 3), plantKme, status.StoredKeyCount));
            }
            catch (HttpRequestException)
            {
                // A missed sample is a gap in the plot, nothing more.
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var latencies = slave.Stats.LatenciesMs.Order().ToArray();
            var messages = masters.Sum(m => m.Gateway.Stats.Sent);
            if (now > 0 && messages > 0)
            {
                Monitor.SetSchemes(Compare(_s, messages, masters.Sum(m => m.Gateway.Stats.SealedBytes - m.Gateway.Stats.PlaintextBytes), now,
                    masters.Sum(m => m.Gateway.Stats.SealedBytes) / now, masters.Sum(m => m.Sealer.KeyBitsInstalled) / now, Percentile(latencies, 0.5)));
            }
            Monitor.AddTraffic(new TrafficSample(Math.Round(now, 3), masters.Sum(m => m.Gateway.Stats.Sent), slave.Stats.Decrypted, slave.Stats.Stored,
                masters.Sum(m => m.Gateway.Queued), masters.Sum(m => m.Gateway.Stats.Dropped), slave.Stats.Rejected.Values.Sum(),
                masters.Sum(m => m.Gateway.Stats.KeyRefusals), masters.Sum(m => m.Sealer.KeyBitsInstalled), masters.Sum(m => m.Gateway.Stats.SealedBytes),
                Math.Round(Percentile(latencies, 0.5), 2), Math.Round(Percentile(latencies, 0.99), 2)));
            if (tick++ % 4 == 0)
            {
                var startUs = SensorDriver.UnixMicroseconds(_time) - (long)(now * 1e6);
                Monitor.SetReadings([.. store.ReadAll().OrderBy(r => r.TimestampUnixUs).TakeLast(TestbedMonitor.ReadingsShown)
                    .Select(r => new Reading(r.Device, Math.Round((r.TimestampUnixUs - startUs) / 1e6, 3), r.CurrentA, r.ActivePowerW))]);
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), _time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Nearest-rank percentile of sorted values (0 when empty).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        Guard.NotNull(sorted);
        if (sorted.Count == 0)
        {
            return 0;
        }
        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Broker messages whose payload contains the 24-byte plaintext of any stored sample.</summary>
    public static long PlaintextLeaks(IEnumerable<MqttBridge.ReceivedMessage> seen, IReadOnlyList<EdgeStore.Row> rows)
    {
        Guard.NotNull(seen);
        Guard.NotNull(rows);
        var plaintexts = new HashSet<string>(rows.Select(r => Convert.ToHexString(new PowerSample(r.Index, r.TimestampUnixUs, r.VoltageV, r.CurrentA, r.ActivePowerW).ToBytes())));
        long leaks = 0;
        foreach (var m in seen)
        {
            for (var at = 0; at + PowerSample.EncodedLength <= m.Payload.Length; at++)
            {
                if (plaintexts.Contains(Convert.ToHexString(m.Payload, at, PowerSample.EncodedLength)))
                {
                    leaks++;
                    break;
                }
            }
        }
        return leaks;
    }

    /// <summary>Mode name as on the command line.</summary>
    public static string ModeName(SealingMode mode) => mode switch
    {
        SealingMode.AesGcm => "aes-gcm",
        SealingMode.Otp => "otp",
        SealingMode.Hybrid => "hybrid",
        SealingMode.Ascon => "ascon",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown sealing mode."),
    };

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string JsonNameOf(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
