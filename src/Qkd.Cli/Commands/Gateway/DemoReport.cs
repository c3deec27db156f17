using System.Globalization;
using System.Text;
using Qkd.Cli.Plotting;
using Qkd.Gateway.Edge;
using Qkd.Testbed;
using Qkd.Testbed.Link;
using Qkd.Testbed.Observation;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>Renders a testbed run: the text report, report.md with its link section, the plots, and the live status line.</summary>
public static class DemoReport
{
    /// <summary>Plot series of the current received at the edge, one per device (x: seconds since the first sample).</summary>
    public static IReadOnlyList<PlotSeries> SignalSeries(IReadOnlyList<EdgeStore.Row> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return [];
        }
        var t0 = rows.Min(r => r.TimestampUnixUs);
        return rows.GroupBy(r => r.Device).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PlotSeries(g.Key, g.Select(r => (r.TimestampUnixUs - t0) / 1e6).ToList(), g.Select(r => (double)r.CurrentA).ToList()))
            .ToList();
    }

    /// <summary>QBER series of the first link over run time: signal, decoy and the alarm window.</summary>
    public static IReadOnlyList<PlotSeries> QberSeries(IReadOnlyList<LinkSecond> slices, string linkId)
    {
        ArgumentNullException.ThrowIfNull(slices);
        var mine = slices.Where(s => s.LinkId == linkId).ToList();
        var x = mine.Select(s => s.RunSeconds).ToList();
        return
        [
            new PlotSeries("signal QBER", x, mine.Select(s => s.QberSignal * 100).ToList()),
            new PlotSeries("decoy QBER", x, mine.Select(s => s.QberDecoy * 100).ToList()),
            new PlotSeries($"QBER over the last {5} s of link time (alarm above {LiveLink.QberAlarmThreshold * 100:0} %)", x, mine.Select(s => s.WindowQber * 100).ToList()),
        ];
    }

    /// <summary>Key-rate series over run time: each block's net and gross rate and the analytic model.</summary>
    public static IReadOnlyList<PlotSeries> KeyRateSeries(IReadOnlyList<BlockRecord> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var x = blocks.Select(b => b.RunSeconds).ToList();
        return
        [
            new PlotSeries("net secret key rate per block", x, blocks.Select(b => b.SecretKeyRateBps).ToList(), MarkersOnly: true),
            new PlotSeries("gross (before authentication)", x, blocks.Select(b => b.GrossSecretBits / b.LinkSecondsCovered).ToList(), MarkersOnly: true),
            new PlotSeries("analytic model (same link and block)", x, blocks.Select(b => b.AnalyticSecretKeyRateBps).ToList()),
        ];
    }

    /// <summary>Writes report.md and the plots into the result's folder; returns the result with its plot paths.</summary>
    public static TestbedResult Write(TestbedResult r, IReadOnlyList<EdgeStore.Row> rows, TestbedMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(monitor);
        var dir = Path.GetDirectoryName(r.Report)!;
        var plots = new List<string>();
        LinePlot.Save(Path.Combine(dir, "edge-signal"), "Robot-arm current as decrypted and stored at the edge", "time [s]", "current [A]", SignalSeries(rows), yMin: 0);
        plots.Add(Path.Combine(dir, "edge-signal.png"));
        LinePlot.Save(Path.Combine(dir, "key-pool"), "QKD key pool at the plant-side KME", "run time [s]", "stored AES-256 keys",
            [new PlotSeries("stored_key_count (ETSI 014 status)", r.PoolLevel.Select(p => p.RunSeconds).ToList(), r.PoolLevel.Select(p => (double)p.StoredKeys).ToList())], yMin: 0);
        plots.Add(Path.Combine(dir, "key-pool.png"));
        var links = monitor.Description.Links;
        if (r.Supply == "bb84" && monitor.Slices.Count > 0)
        {
            var qber = LinePlot.Build($"QBER of {links[0]} per second of link time", "run time [s]", "QBER [%]", QberSeries(monitor.Slices, links[0]), yMin: 0);
            Shade(qber, r.Eavesdropper, r.DurationSeconds);
            LinePlot.Save(Path.Combine(dir, "link-qber"), qber);
            plots.Add(Path.Combine(dir, "link-qber.png"));
            var rate = LinePlot.Build("Secret key rate per block vs the analytic model", "run time [s]", "secret key rate [bit/s of link time]", KeyRateSeries(monitor.Blocks), yMin: 0);
            Shade(rate, r.Eavesdropper, r.DurationSeconds);
            LinePlot.Save(Path.Combine(dir, "link-key-rate"), rate);
            plots.Add(Path.Combine(dir, "link-key-rate.png"));
        }
        var result = r with { Plots = plots };
        File.WriteAllText(r.Report, Markdown(result));
        return result;
    }

    private static void Shade(ScottPlot.Plot plot, EavesdropperSummary? eve, double durationSeconds)
    {
        if (eve is null)
        {
            return;
        }
        var span = plot.Add.HorizontalSpan(eve.AtSeconds, eve.UntilSeconds ?? Math.Max(durationSeconds, eve.AtSeconds + 1));
        span.FillStyle.Color = ScottPlot.Color.FromHex("#d62728").WithAlpha(0.15);
        span.LegendText = $"Eve ({eve.Kind})";
    }

    public static string Markdown(TestbedResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"# qkd demo: {r.Sensors} power monitor(s), scheme {r.Scheme}, mode {r.Mode}, {r.DurationSeconds:0.#} s");
        b.AppendLine();
        b.AppendLine(r.Kmes == 3
            ? "Sensor (10 Hz) -> gateway (SAE_A...) -> ciphertext over MQTT -> edge gateway (SAE_C) -> SQLite edge store; keys over ETSI GS QKD 014 (mutual TLS) from KME_A (plant) and KME_C (edge), relayed by the trusted KME_B over two links."
            : "Sensor (10 Hz) -> gateway (SAE_A...) -> ciphertext over MQTT -> edge gateway (SAE_B) -> SQLite edge store; keys over ETSI GS QKD 014 (mutual TLS) from KME_A and KME_B.");
        b.AppendLine(r.Supply == "bb84"
            ? $"The KMEs' keys come from the simulated {r.Preset} link (BB84 link simulator -> sifting -> Cascade -> verification -> privacy amplification -> authentication), {r.BlockSeconds:0.#} s blocks of link time."
            : "The KMEs' keys are random blocks at the Turin testbed's 1.3 kbit/s (--supply random).");
        if (r.Supply == "bb84" && r.TimeScale != 1)
        {
            b.AppendLine(c, $"**Link time ran {r.TimeScale:0.##}x faster than wall time** (--time-scale {r.TimeScale:0.##}): with today's post-processing a Turin block needs about 120 s of link time to leave net key, so a one-minute run scales link time to show several blocks. The sensors run in real time, so the key supply per wall second is {r.TimeScale:0.##}x the link's rate.");
        }
        b.AppendLine(c, $"Seed {r.Seed}. {r.PrefillKeyBits} key bits were prefilled (random) so the sensors need not wait for the first block; they are not counted as link key. Wire format and modes: docs/gateway.md; the testbed: docs/testbed.md.");
        b.AppendLine();
        b.AppendLine("| quantity | value |");
        b.AppendLine("|---|---|");
        Row(b, "samples produced", r.SamplesProduced);
        Row(b, "messages sent (sealed)", r.MessagesSent);
        Row(b, "messages received / decrypted / stored", $"{r.MessagesReceived} / {r.MessagesDecrypted} / {r.MessagesStored}");
        Row(b, "failures at the receiver", r.Failures.Count == 0 ? "none" : string.Join(", ", r.Failures.Select(kv => $"{kv.Key} {kv.Value}")));
        Row(b, "messages dropped (no key, queue full) / held at end", $"{r.MessagesDropped} / {r.MessagesHeldAtEnd}");
        Row(b, "key requests refused by the KME", r.KeyRequestsRefused);
        Row(b, "broker messages containing plaintext", r.PlaintextMessagesOnWire);
        Row(b, "MQTT transport", r.MqttTls ? $"TLS on loopback, every client by its certificate, ACL (refusals {r.MqttAclRefusals}); the read-only wire observer saw {r.MessagesSeenByWireObserver} messages" : "plain MQTT");
        Row(b, "receiver policy", r.ReceiverPinned ? $"each sender pinned to {r.Mode}{(r.Mode == "hybrid" ? " and its ML-DSA-65 key" : "")}" : "unpinned");
        Row(b, "readings sent / stored / dropped", $"{r.ReadingsSent} / {r.ReadingsStored} / {r.ReadingsDropped}");
        Row(b, "keys consumed / key bits", $"{r.KeysConsumed} / {r.KeyBitsConsumed}");
        Row(b, "key supply (per wall second)", $"{r.KeyRateBudgetBitsPerSecond:0} bit/s = {r.KeyBudgetAes256KeysPerSecond:0.##} AES-256 keys/s");
        Row(b, "key demand (measured over this run)", $"{r.KeyDemandBitsPerSecond:0.#} bit/s = {r.KeyDemandAes256KeysPerSecond:0.###} AES-256 keys/s");
        Row(b, "key demand (long run)", $"{r.KeyDemandSteadyBitsPerSecond:0.#} bit/s");
        Row(b, "latency sample -> edge store p50 / p99", $"{r.LatencyP50Ms:0.##} ms / {r.LatencyP99Ms:0.##} ms");
        Row(b, "plaintext bytes / bytes on the wire", $"{r.PlaintextBytes} / {r.BytesOnWire}");
        b.AppendLine();
        b.AppendLine("## Encryption schemes side by side (seed 003)");
        b.AppendLine();
        b.AppendLine("| scheme | source | key streams | key [bit/s] | messages/s | bytes/s | latency p50 [ms] | devices one key exposes | readings one key exposes |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var s in r.Schemes)
        {
            b.AppendLine(c, $"| {s.Scheme} | {s.Source} | {s.KeyStreams} | {s.KeyBitsPerSecond:0.#} | {s.MessagesPerSecond:0.#} | {s.BytesPerSecond:0} | {(s.LatencyP50Ms is { } l ? l.ToString("0.##", c) : "-")} | {s.DevicesExposedByOneKey} | {s.ReadingsExposedByOneKey:0} |");
        }
        b.AppendLine();
        b.AppendLine("The fixed scheme's gateway at the router packs the readings of all devices of one sampling tick into one sealed message (docs/testbed.md, aggregate format) under one key stream: fewer, larger messages and one key stream instead of one per device, but one compromised key opens every device's readings of its lifetime. The run's own scheme is measured; the other is the steady-state model with this run's sealing overhead per message.");
        if (r.Supply == "bb84")
        {
            LinkSection(b, r);
        }
        b.AppendLine();
        b.AppendLine("![signal at the edge](edge-signal.png)");
        b.AppendLine();
        b.AppendLine("![key pool level](key-pool.png)");
        return b.ToString();
    }

    private static void LinkSection(StringBuilder b, TestbedResult r)
    {
        var c = CultureInfo.InvariantCulture;
        b.AppendLine();
        b.AppendLine("## The quantum link");
        b.AppendLine();
        b.AppendLine(c, $"Sifted bits {r.SiftedBits}; QBER of the clean blocks {r.Qber:P2}; blocks delivered {r.BlocksDistilled}, rejected {r.BlocksRejected}; secret key from the links {r.SecretKeyBits} bits.");
        b.AppendLine(string.Create(c, $"Net secret key rate of the clean blocks {r.SecretKeyRateBps:0.#} bit/s of link time (gross, before the blocks pay back their authentication key: {r.GrossSecretKeyRateBps:0.#} bit/s); ")
            + string.Create(c, $"analytic model {r.AnalyticModel} for the same link and block: {r.PredictedSecretKeyRateBps:0.#} bit/s."));
        b.AppendLine(r.SecretKeyRateBandBps is { } band
            ? string.Format(c, "Statistical band of the analytic model (model +- 3 sigma, sigma from the Poisson spread of the clean blocks' counts propagated through the finite-key bound): [{0:0.#}, {1:0.#}] bit/s; the measured net rate and the model {2}.", band[0], band[1], r.PredictionWithinBand == true ? "both lie within it" : "do not both lie within it")
            : "Fewer than two clean blocks: no statistical band.");
        if (r.Eavesdropper is { } e)
        {
            b.AppendLine(string.Create(c, $"Eve ({e.Kind}, fraction {e.Fraction}) on {e.Link} from {e.AtSeconds} s{(e.UntilSeconds is { } u ? $" to {u} s" : " to the end")} of run time (shaded): ")
                + (r.EavesdropperDetected ? $"detected {r.EavesdropperDetectedAfterSeconds:0.#} s after she started" : "not detected")
                + $"; blocks fully inside her window that delivered key: {r.BlocksUnderFullAttackDelivered}"
                + (r.BlocksDeliveredAfterEve is { } after ? $"; blocks delivered after she left: {after}." : "."));
        }
        b.AppendLine();
        b.AppendLine("![QBER over time](link-qber.png)");
        b.AppendLine();
        b.AppendLine("![secret key rate over time](link-key-rate.png)");
        b.AppendLine();
        b.AppendLine("| link | block | link time [s] | sifted | QBER | Y1 lower | e1 upper | leak | gross | auth | final key | Eve share | outcome |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var k in r.Blocks)
        {
            b.AppendLine(c, $"| {k.LinkId} | {k.Index} | {k.StartLinkSeconds:0}-{k.EndLinkSeconds:0} | {k.SiftedBits} | {k.Qber:P2} | {k.Y1Lower:G3} | {k.E1Upper:P1} | {k.LeakedBits} | {k.GrossSecretBits} | {k.AuthenticationBits} | {k.SecretBits} | {k.EveShare:P0} | {k.Outcome}{(k.Reason is null ? "" : ": " + k.Reason)} |");
        }
    }

    /// <summary>The short text report for the terminal.</summary>
    public static string Text(TestbedResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"qkd demo: {r.Sensors} sensor(s), scheme {r.Scheme}, mode {r.Mode}, {r.DurationSeconds:0.#} s, seed {r.Seed}, supply {r.Supply}{(r.Supply == "bb84" ? $" ({r.Preset}, {r.BlockSeconds:0.#} s blocks, link time x{r.TimeScale:0.##})" : "")}");
        if (r.Supply == "bb84")
        {
            b.AppendLine(string.Create(c, $"  link       sifted {r.SiftedBits}, QBER {r.Qber:P2}, blocks delivered {r.BlocksDistilled} / rejected {r.BlocksRejected}, secret {r.SecretKeyBits} bits; ")
                + string.Create(c, $"rate {r.SecretKeyRateBps:0.#} bit/s net ({r.GrossSecretKeyRateBps:0.#} gross) vs {r.AnalyticModel} {r.PredictedSecretKeyRateBps:0.#} bit/s"));
        }
        if (r.Eavesdropper is { } e)
        {
            b.AppendLine(string.Create(c, $"  eve        {e.Kind} from {e.AtSeconds} s{(e.UntilSeconds is { } u ? $" to {u} s" : "")}: {(r.EavesdropperDetected ? $"detected after {r.EavesdropperDetectedAfterSeconds:0.#} s" : "not detected")}, ")
                + string.Create(c, $"blocks under full attack delivering key {r.BlocksUnderFullAttackDelivered}{(r.BlocksDeliveredAfterEve is { } a ? $", blocks delivered after her {a}" : "")}"));
        }
        b.AppendLine(c, $"  messages   sent {r.MessagesSent}, received {r.MessagesReceived}, decrypted {r.MessagesDecrypted}, stored {r.MessagesStored}");
        b.AppendLine(c, $"  failures   {(r.Failures.Count == 0 ? "none" : string.Join(", ", r.Failures.Select(kv => $"{kv.Key} {kv.Value}")))}; dropped {r.MessagesDropped}, held {r.MessagesHeldAtEnd}, key refusals {r.KeyRequestsRefused}");
        b.AppendLine(c, $"  plaintext on the wire: {r.PlaintextMessagesOnWire} messages; MQTT {(r.MqttTls ? "over TLS with client certificates and ACL" : "plain")}, receiver {(r.ReceiverPinned ? "pinned" : "unpinned")}");
        b.AppendLine(c, $"  readings   sent {r.ReadingsSent}, stored {r.ReadingsStored}, dropped {r.ReadingsDropped} ({r.MessagesSent} messages, {r.ReadingsSent / Math.Max(1, r.MessagesSent)} reading(s) each)");
        b.AppendLine(c, $"  keys       {r.KeysConsumed} consumed ({r.KeyBitsConsumed} bits); demand {r.KeyDemandBitsPerSecond:0.#} bit/s in this run, {r.KeyDemandSteadyBitsPerSecond:0.#} bit/s long run; supply {r.KeyRateBudgetBitsPerSecond:0} bit/s");
        b.AppendLine(c, $"  latency    p50 {r.LatencyP50Ms:0.##} ms, p99 {r.LatencyP99Ms:0.##} ms");
        b.AppendLine(c, $"  bytes      {r.PlaintextBytes} plaintext, {r.BytesOnWire} on the wire");
        b.AppendLine(c, $"  dashboard  {r.DashboardUrl}");
        b.AppendLine(c, $"  report     {r.Report} (plots {string.Join(", ", r.Plots)}; edge store {r.EdgeStore})");
        return b.ToString();
    }

    /// <summary>The one-line live status.</summary>
    public static string StatusLine(TestbedMonitor monitor, double runSeconds)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        var c = CultureInfo.InvariantCulture;
        var slices = monitor.Slices;
        var last = slices.Count > 0 ? slices[^1] : null;
        var blocks = monitor.Blocks;
        var traffic = monitor.Traffic;
        var t = traffic.Count > 0 ? traffic[^1] : null;
        var pools = monitor.Pools;
        return string.Format(c, "demo {0,5:0.0} s | link {1:0} s QBER {2:P1} | blocks {3} ok / {4} rejected | pool {5} | sealed {6} stored {7} held {8} dropped {9}{10}",
            runSeconds, last?.LinkSeconds ?? 0, last?.WindowQber ?? double.NaN, blocks.Count(b => b.Outcome == BlockRecord.Delivered),
            blocks.Count(b => b.Outcome == BlockRecord.Rejected), pools.Count > 0 ? pools[^1].StoredKeys : 0, t?.Sealed ?? 0, t?.Stored ?? 0, t?.Held ?? 0, t?.Dropped ?? 0,
            monitor.Alarm ? " | ALARM: eavesdropper" : "");
    }

    private static void Row(StringBuilder b, string name, object value) => b.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
}
