using System.Globalization;
using Qkd.Gateway.Edge;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Pipeline;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Sensors;
using Qkd.Testbed.Link;

namespace Qkd.Testbed;

/// <summary>What a finished run measured: the result record, the scheme comparison, demand, QBER, percentiles and the plaintext check.</summary>
public sealed partial class Testbed
{
    private TestbedResult Measure(TestbedSettings s, List<(MasterGateway Gateway, MessageSealer Sealer)> masters, SlaveGateway slave, EmbeddedBroker broker,
        List<MqttBridge.ReceivedMessage> observed, IReadOnlyList<EdgeStore.Row> rows, List<LiveLink> links, long produced, double sensingSeconds, string edgePath, IReadOnlyList<string> kmeIds, string? dashboardUrl)
    {
        var blocks = Monitor.Blocks;
        var slices = Monitor.Slices;
        var first = links.Count > 0 ? links[0].LinkId : null;
        var firstBlocks = blocks.Where(b => b.LinkId == first).ToList();
        var clean = firstBlocks.Where(b => b.EveShare == 0).ToList();
        var rate = RateStatistics.Of(clean);
        var latencies = slave.Stats.LatenciesMs.Order().ToArray();
        var keyBits = masters.Sum(m => m.Sealer.KeyBitsInstalled);
        var messagesSent = masters.Sum(m => m.Gateway.Stats.Sent);
        var sent = messagesSent * ReadingsPerMessage(s);
        var messagesDropped = masters.Sum(m => m.Gateway.Stats.Dropped);
        var dropped = messagesDropped * ReadingsPerMessage(s);
        var rejected = slave.Stats.Rejected.Values.Sum();
        var eve = Monitor.Description.Eavesdropper;
        var window = s.Eve?.InLinkTime(s.Link.TimeScale);
        var underFull = window is null ? 0 : firstBlocks.Count(b => b.Outcome == BlockRecord.Delivered && b.StartLinkSeconds >= window.StartSeconds && b.EndLinkSeconds <= window.EndSeconds);
        int? afterEve = window is null || double.IsPositiveInfinity(window.EndSeconds) ? null
            : firstBlocks.Count(b => b.Outcome == BlockRecord.Delivered && b.StartLinkSeconds >= window.EndSeconds);
        var siftedFirst = slices.Where(x => x.LinkId == first).ToList();
        var p50 = Percentile(latencies, 0.50);
        return new TestbedResult
        {
            Mode = ModeName(s.Mode),
            Seed = s.Seed,
            Sensors = s.Sensors,
            DurationS = Math.Round(sensingSeconds, 3),
            DurationSeconds = Math.Round(sensingSeconds, 3),
            Supply = Monitor.Description.Supply,
            Preset = Monitor.Description.Preset,
            Scheme = SchemeName(s.Scheme),
            Kmes = s.Kmes,
            TimeScale = Monitor.Description.TimeScale,
            BlockSeconds = Monitor.Description.BlockSeconds,
            PrefillKeyBits = s.PrefillBits / 8 * 8 * (kmeIds.Count - 1),
            SiftedBits = links.Sum(l => l.SiftedBits),
            Qber = Math.Round(WeightedQber(firstBlocks), 5),
            BlocksDistilled = blocks.Count(b => b.Outcome == BlockRecord.Delivered),
            BlocksRejected = blocks.Count(b => b.Outcome == BlockRecord.Rejected),
            SecretKeyBits = links.Sum(l => l.SecretBits),
            SecretKeyRateBps = Math.Round(rate.NetBps, 2),
            GrossSecretKeyRateBps = Math.Round(rate.GrossBps, 2),
            PredictedSecretKeyRateBps = Math.Round(rate.AnalyticBps, 2),
            AnalyticModel = clean.Count > 0 ? clean[0].AnalyticModel : null,
            SecretKeyRateBandBps = rate.Band is { } band ? [Math.Round(band.Low, 2), Math.Round(band.High, 2)] : null,
            PredictionWithinBand = rate.Agree,
            KeysDelivered = new Dictionary<string, long>
            {
                [kmeIds[0]] = keyBits / 256,
                [kmeIds[^1]] = slave.Stats.KeysFetched * (s.Mode == SealingMode.Otp ? s.OtpKeyBits : 256) / 256,
            },
            SamplesProduced = produced,
            MessagesSent = messagesSent,
            MessagesReceived = slave.Stats.Received,
            MessagesDecrypted = slave.Stats.Decrypted,
            MessagesStored = slave.Stats.Stored,
            ReadingsSent = sent,
            ReadingsStored = slave.Stats.Stored,
            ReadingsRejected = rejected,
            ReadingsDropped = dropped,
            Failures = slave.Stats.Rejected.ToDictionary(kv => JsonNameOf(kv.Key.ToString()), kv => kv.Value),
            MessagesDropped = messagesDropped,
            MessagesHeldAtEnd = masters.Sum(m => m.Gateway.Stats.Submitted - m.Gateway.Stats.Sent - m.Gateway.Stats.Dropped),
            KeyRequestsRefused = masters.Sum(m => m.Gateway.Stats.KeyRefusals),
            // What the broker relayed and what a subscriber on the wire received: both must be free of plaintext readings.
            PlaintextMessagesOnWire = Math.Max(PlaintextLeaks(broker.Seen, rows), PlaintextLeaks(observed, rows)),
            MessagesSeenByWireObserver = observed.Count,
            MqttTls = broker.Address.UseTls,
            MqttAclRefusals = broker.Refused,
            ReceiverPinned = true,
            KeysConsumed = masters.Sum(m => m.Sealer.KeysInstalled),
            KeyBitsConsumed = keyBits,
            KeysFetchedByReceiver = slave.Stats.KeysFetched,
            KeyRateBudgetBitsPerSecond = s.Supply == KeySupplyChoice.Bb84 ? Math.Round(rate.NetBps * s.Link.TimeScale, 1) : s.RandomRateBitsPerSecond,
            KeyDemandBitsPerSecond = Math.Round(keyBits / sensingSeconds, 1),
            KeyDemandSteadyBitsPerSecond = Math.Round(masters.Count * SteadyDemand(s, 1 / PowerMonitorSimulator.SamplePeriod.TotalSeconds,
                s.Scheme == EncryptionScheme.Fixed ? AggregateLength(s.Sensors) : PowerSample.EncodedLength), 1),
            KeyBudgetAes256KeysPerSecond = Math.Round((s.Supply == KeySupplyChoice.Bb84 ? rate.NetBps * s.Link.TimeScale : s.RandomRateBitsPerSecond) / 256, 3),
            KeyDemandAes256KeysPerSecond = Math.Round(keyBits / 256.0 / sensingSeconds, 3),
            LatencyP50Ms = Math.Round(p50, 2),
            LatencyP99Ms = Math.Round(Percentile(latencies, 0.99), 2),
            PlaintextBytes = masters.Sum(m => m.Gateway.Stats.PlaintextBytes),
            BytesOnWire = masters.Sum(m => m.Gateway.Stats.SealedBytes),
            Eavesdropper = eve,
            EavesdropperDetected = Monitor.DetectedAtRunSeconds is not null,
            EavesdropperDetectedAfterSeconds = Monitor.DetectedAtRunSeconds is { } d && eve is not null ? Math.Round(Math.Max(0, d - eve.AtSeconds), 2) : null,
            BlocksUnderFullAttackDelivered = underFull,
            BlocksDeliveredAfterEve = afterEve,
            DashboardUrl = dashboardUrl,
            Schemes = Compare(s, messagesSent, masters.Sum(m => m.Gateway.Stats.SealedBytes - m.Gateway.Stats.PlaintextBytes), sensingSeconds,
                masters.Sum(m => m.Gateway.Stats.SealedBytes) / sensingSeconds, keyBits / sensingSeconds, p50),
            EdgeStore = edgePath,
            Report = Path.Combine(s.OutDirectory, "report.md"),
            Plots = [],
            PoolLevel = Monitor.Pools.Where(p => p.Kme == kmeIds[0]).ToList(),
            Blocks = blocks,
        };
    }

    /// <summary>
    /// Both schemes for the run's devices: the run's own measured, the other from the steady-state model with the sealing
    /// overhead per message measured in this run. Per-device: N streams of 10 one-reading messages/s. Fixed: one stream of
    /// 10 aggregates/s, each carrying all N readings of a tick (<see cref="ReadingAggregate"/>).
    /// </summary>
    private static List<SchemeComparison> Compare(TestbedSettings s, long messagesSent, long overheadBytes, double seconds, double bytesPerSecond,
        double keyBitsPerSecond, double p50)
    {
        var overhead = messagesSent > 0 ? (double)overheadBytes / messagesSent : 0;
        var tickRate = 1 / PowerMonitorSimulator.SamplePeriod.TotalSeconds;
        var lifetime = s.Refresh.MaxKeyAge.TotalSeconds;
        var aggregateLength = AggregateLength(s.Sensors);
        SchemeComparison PerDevice(bool measured) => new("per-device", measured ? "measured" : "model", s.Sensors,
            Math.Round(measured ? keyBitsPerSecond : s.Sensors * SteadyDemand(s, tickRate, PowerSample.EncodedLength), 1),
            Math.Round(measured ? messagesSent / seconds : s.Sensors * tickRate, 1),
            Math.Round(measured ? bytesPerSecond : s.Sensors * tickRate * (PowerSample.EncodedLength + overhead), 1), measured ? Math.Round(p50, 2) : null,
            1, Math.Round(Math.Min(lifetime, s.Refresh.MaxMessagesPerKey / tickRate) * tickRate, 1));
        SchemeComparison Fixed(bool measured) => new("fixed", measured ? "measured" : "model", 1,
            Math.Round(measured ? keyBitsPerSecond : SteadyDemand(s, tickRate, aggregateLength), 1),
            Math.Round(measured ? messagesSent / seconds : tickRate, 1),
            Math.Round(measured ? bytesPerSecond : tickRate * (aggregateLength + overhead), 1), measured ? Math.Round(p50, 2) : null,
            s.Sensors, Math.Round(Math.Min(lifetime, s.Refresh.MaxMessagesPerKey / tickRate) * tickRate * s.Sensors, 1));
        var isFixed = s.Scheme == EncryptionScheme.Fixed;
        return [PerDevice(!isFixed), Fixed(isFixed)];
    }

    /// <summary>Length of the aggregate plaintext of <paramref name="sensors"/> devices named by <see cref="DeviceId"/> [bytes].</summary>
    internal static int AggregateLength(int sensors) => 2 + Enumerable.Range(0, sensors).Sum(i => 1 + DeviceId(i).Length + PowerSample.EncodedLength);

    /// <summary>Device ID of sensor <paramref name="i"/>.</summary>
    public static string DeviceId(int i) => "pac4200-" + (i + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Readings carried by one sealed message: every device's in the fixed scheme, one otherwise.</summary>
    private static int ReadingsPerMessage(TestbedSettings s) => s.Scheme == EncryptionScheme.Fixed ? s.Sensors : 1;

    /// <summary>Long-run key demand of one stream of <paramref name="messagesPerSecond"/> messages of <paramref name="plaintextLength"/> bytes [bit/s].</summary>
    private static double SteadyDemand(TestbedSettings s, double messagesPerSecond, int plaintextLength)
        => MessageSealer.SteadyKeyDemandBitsPerSecond(s.Mode, messagesPerSecond, plaintextLength, s.Refresh, s.OtpKeyBits);

    private static double WeightedQber(IReadOnlyList<BlockRecord> blocks)
    {
        double bits = 0, errors = 0;
        foreach (var b in blocks.Where(b => b.EveShare == 0 && !double.IsNaN(b.Qber)))
        {
            bits += b.SiftedBits;
            errors += b.Qber * b.SiftedBits;
        }
        return bits > 0 ? errors / bits : double.NaN;
    }
}
