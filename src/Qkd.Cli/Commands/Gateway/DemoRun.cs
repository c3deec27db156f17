using System.Diagnostics;
using Qkd.Gateway.Edge;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Pipeline;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Sensors;
using Qkd.Kms.Dev;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>
/// Composes the end-to-end demo in this process, over real sockets: the development KMS network (two KMEs
/// over mutual TLS, fed by a simulated QKD link at the Turin rate), the embedded MQTT broker, one master
/// gateway per sensor (SAE_A, SAE_A2...) publishing ciphertext, and one slave gateway (SAE_B) that fetches
/// each key by ID from the other KME, decrypts and writes to the SQLite edge store.
/// </summary>
public static class DemoRun
{
    /// <summary>Runs the demo; <paramref name="status"/> gets one line per phase, <paramref name="progress"/> the fraction done.</summary>
    public static async Task<(DemoResult Result, IReadOnlyList<EdgeStore.Row> Rows)> RunAsync(DemoSettings s, Action<string> status, IProgress<double> progress, CancellationToken ct)
    {
        var time = TimeProvider.System;
        Directory.CreateDirectory(s.OutDirectory);
        var kmsDir = Path.Combine(Path.GetTempPath(), "qkd-demo-" + Guid.NewGuid().ToString("N")[..12]);
        var edgePath = Path.Combine(s.OutDirectory, "edge.db");
        foreach (var f in new[] { edgePath, edgePath + "-wal", edgePath + "-shm" })
        {
            File.Delete(f);
        }
        try
        {
            status("starting the development KMS network (KME_A, KME_B over mutual TLS; simulated QKD link at " + s.LinkRateBitsPerSecond + " bit/s)");
            await using var net = await DevNetwork.StartAsync(new DevNetworkOptions
            {
                Directory = kmsDir,
                SaesPerKme = s.Sensors,
                RateBitsPerSecond = s.LinkRateBitsPerSecond,
            }, logging: _ => { }, ct: ct); // no log providers: the demo reports on stdout, progress on stderr
            var dev = DevNetworkFile.Load(net.DevJsonPath);
            await using var broker = await EmbeddedBroker.StartAsync();
            status($"embedded MQTT broker on {broker.Address}; {s.Sensors} sensor(s) at 10 Hz, mode {DemoSettings.NameOf(s.Mode)}, {s.DurationSeconds} s");

            var kem = s.Mode == SealingMode.Hybrid ? MlKem768.Generate() : null;
            using var store = new EdgeStore(edgePath);
            using var opener = new MessageOpener(kem);
            using var slaveKme = new EtsiKeyClient(dev.Credentials("SAE_B"));
            var slave = new SlaveGateway(slaveKme, opener, store, time);
            await using var rxBridge = await MqttBridge.ConnectAsync(broker.Address, "edge-gateway-SAE_B", ct);
            await rxBridge.SubscribeAsync(MqttBridge.AllSealedTopics, ct);
            using var rxStop = new CancellationTokenSource();
            var rxTask = slave.RunAsync(rxBridge, rxStop.Token);

            var masters = new List<(MasterGateway Gateway, EtsiKeyClient Kme, MqttBridge Bridge, MessageSealer Sealer)>();
            using var gwStop = new CancellationTokenSource();
            var gwTasks = new List<Task>();
            for (var i = 0; i < s.Sensors; i++)
            {
                var sae = i == 0 ? "SAE_A" : "SAE_A" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var kme = new EtsiKeyClient(dev.Credentials(sae));
                var bridge = await MqttBridge.ConnectAsync(broker.Address, "gateway-" + sae, ct);
                var sealer = new MessageSealer(s.Mode, sae, $"pac4200-{i + 1}", s.Refresh, kem?.EncapsulationKey, s.OtpKeyBits);
                var gw = new MasterGateway(kme, "SAE_B", sealer, bridge.PublishAsync, s.QueueCapacity, time: time);
                masters.Add((gw, kme, bridge, sealer));
                gwTasks.Add(gw.RunAsync(gwStop.Token));
            }

            var pool = new List<PoolSample>();
            using var pollStop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var pollTask = PollPoolAsync(masters[0].Kme, pool, clock, time, pollStop.Token);
            using var sensorStop = new CancellationTokenSource(TimeSpan.FromSeconds(s.DurationSeconds), time);
            var sensorTasks = masters.Select((m, i) => SensorDriver.RunAsync(new PowerMonitorSimulator(s.Seed, i), m.Gateway.Submit, time, sensorStop.Token)).ToList();
            var ticker = Task.Run(async () =>
            {
                while (!sensorStop.IsCancellationRequested)
                {
                    progress.Report(Math.Min(1, clock.Elapsed.TotalSeconds / s.DurationSeconds));
                    await Task.Delay(TimeSpan.FromMilliseconds(200), time, CancellationToken.None);
                }
            }, CancellationToken.None);
            var produced = (await Task.WhenAll(sensorTasks)).Sum();
            await ticker;
            var sensingSeconds = clock.Elapsed.TotalSeconds;

            // Let senders drain what they hold for a moment (they still need key for it), then stop them.
            foreach (var m in masters)
            {
                m.Gateway.Complete();
            }
            await Task.WhenAny(Task.WhenAll(gwTasks), Task.Delay(TimeSpan.FromSeconds(2), time, ct));
            await gwStop.CancelAsync();
            await IgnoreCancellation(Task.WhenAll(gwTasks));
            var sent = masters.Sum(m => m.Gateway.Stats.Sent);
            using (var drain = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                drain.CancelAfter(TimeSpan.FromSeconds(5));
                await IgnoreCancellation(slave.Stats.Changed.WaitUntilAsync(() => slave.Stats.Processed >= sent, drain.Token));
            }
            await pollStop.CancelAsync();
            await IgnoreCancellation(pollTask);
            await rxStop.CancelAsync();
            await IgnoreCancellation(rxTask);
            progress.Report(1);

            var rows = store.ReadAll();
            var leaks = PlaintextLeaks(broker.Seen, rows);
            var latencies = slave.Stats.LatenciesMs.Order().ToArray();
            var keyBits = masters.Sum(m => m.Sealer.KeyBitsInstalled);
            var result = new DemoResult
            {
                Mode = DemoSettings.NameOf(s.Mode),
                Seed = s.Seed,
                Sensors = s.Sensors,
                DurationS = Math.Round(sensingSeconds, 3),
                SamplesProduced = produced,
                MessagesSent = sent,
                MessagesReceived = slave.Stats.Received,
                MessagesDecrypted = slave.Stats.Decrypted,
                MessagesStored = slave.Stats.Stored,
                Failures = slave.Stats.Rejected.ToDictionary(kv => JsonNameOf(kv.Key.ToString()), kv => kv.Value),
                MessagesDropped = masters.Sum(m => m.Gateway.Stats.Dropped),
                MessagesHeldAtEnd = masters.Sum(m => m.Gateway.Stats.Submitted - m.Gateway.Stats.Sent - m.Gateway.Stats.Dropped),
                KeyRequestsRefused = masters.Sum(m => m.Gateway.Stats.KeyRefusals),
                PlaintextMessagesOnWire = leaks,
                KeysConsumed = masters.Sum(m => m.Sealer.KeysInstalled),
                KeyBitsConsumed = keyBits,
                KeysFetchedByReceiver = slave.Stats.KeysFetched,
                KeyRateBudgetBitsPerSecond = s.LinkRateBitsPerSecond,
                KeyDemandBitsPerSecond = Math.Round(keyBits / sensingSeconds, 1),
                KeyDemandSteadyBitsPerSecond = Math.Round(s.Sensors * MessageSealer.SteadyKeyDemandBitsPerSecond(s.Mode,
                    1 / PowerMonitorSimulator.SamplePeriod.TotalSeconds, PowerSample.EncodedLength, s.Refresh, s.OtpKeyBits), 1),
                KeyBudgetAes256KeysPerSecond = Math.Round(s.LinkRateBitsPerSecond / 256, 3),
                KeyDemandAes256KeysPerSecond = Math.Round(keyBits / 256.0 / sensingSeconds, 3),
                LatencyP50Ms = Math.Round(Percentile(latencies, 0.50), 2),
                LatencyP99Ms = Math.Round(Percentile(latencies, 0.99), 2),
                PlaintextBytes = masters.Sum(m => m.Gateway.Stats.PlaintextBytes),
                BytesOnWire = masters.Sum(m => m.Gateway.Stats.SealedBytes),
                EdgeStore = edgePath,
                Report = Path.Combine(s.OutDirectory, "report.md"),
                Plots = [Path.Combine(s.OutDirectory, "edge-signal.png"), Path.Combine(s.OutDirectory, "key-pool.png")],
                PoolLevel = [.. pool],
            };
            foreach (var m in masters)
            {
                await m.Bridge.DisposeAsync();
                m.Kme.Dispose();
                m.Sealer.Dispose();
            }
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

    /// <summary>Nearest-rank percentile of sorted values (0 when empty).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
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
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentNullException.ThrowIfNull(rows);
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

    private static async Task PollPoolAsync(EtsiKeyClient kme, List<PoolSample> pool, Stopwatch clock, TimeProvider time, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var status = await kme.StatusAsync("SAE_B", ct);
                lock (pool)
                {
                    pool.Add(new PoolSample(Math.Round(clock.Elapsed.TotalSeconds, 3), status.StoredKeyCount));
                }
            }
            catch (HttpRequestException)
            {
                // A missed sample is a gap in the plot, nothing more.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }

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
