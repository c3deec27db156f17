using System.Globalization;
using System.Text;
using Qkd.Cli.Plotting;
using Qkd.Gateway.Edge;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>Renders a demo result: the text report, report.md, and the two plots (edge signal, key pool level).</summary>
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

    /// <summary>Writes report.md and the plots into the result's folder.</summary>
    public static void Write(DemoResult r, IReadOnlyList<EdgeStore.Row> rows)
    {
        ArgumentNullException.ThrowIfNull(r);
        var dir = Path.GetDirectoryName(r.Report)!;
        LinePlot.Save(Path.Combine(dir, "edge-signal"), "Robot-arm current as decrypted and stored at the edge", "time [s]", "current [A]", SignalSeries(rows), yMin: 0);
        LinePlot.Save(Path.Combine(dir, "key-pool"), "QKD key pool between KME_A and KME_B", "time [s]", "stored AES-256 keys",
            [new PlotSeries("stored_key_count (ETSI 014 status)", r.PoolLevel.Select(p => p.TimeS).ToList(), r.PoolLevel.Select(p => (double)p.StoredKeys).ToList())], yMin: 0);
        File.WriteAllText(r.Report, Markdown(r));
    }

    public static string Markdown(DemoResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"# qkd demo: {r.Sensors} power monitor(s), mode {r.Mode}, {r.DurationS:0.#} s");
        b.AppendLine();
        b.AppendLine("Sensor (10 Hz) -> master gateway (SAE_A...) -> ciphertext over MQTT -> slave gateway (SAE_B) -> SQLite edge store;");
        b.AppendLine("keys from KME_A / KME_B over ETSI GS QKD 014 (mutual TLS), fed by a simulated QKD link at the Turin testbed's rate (seed 002).");
        b.AppendLine(c, $"Seed {r.Seed}. Wire format and modes: docs/gateway.md.");
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
        Row(b, "keys consumed / key bits", $"{r.KeysConsumed} / {r.KeyBitsConsumed}");
        Row(b, "key rate budget (link)", $"{r.KeyRateBudgetBitsPerSecond:0} bit/s = {r.KeyBudgetAes256KeysPerSecond:0.##} AES-256 keys/s");
        Row(b, "key demand (measured over this run)", $"{r.KeyDemandBitsPerSecond:0.#} bit/s = {r.KeyDemandAes256KeysPerSecond:0.###} AES-256 keys/s");
        Row(b, "key demand (long run, all sensors at 10 Hz)", $"{r.KeyDemandSteadyBitsPerSecond:0.#} bit/s");
        Row(b, "latency sample -> edge store p50 / p99", $"{r.LatencyP50Ms:0.##} ms / {r.LatencyP99Ms:0.##} ms");
        Row(b, "plaintext bytes / bytes on the wire", $"{r.PlaintextBytes} / {r.BytesOnWire}");
        b.AppendLine();
        var verdict = r.KeyRequestsRefused == 0 && r.MessagesDropped == 0
            ? "The link's key rate covers the demand."
            : $"The demand exceeded what the link could supply: the KME refused {r.KeyRequestsRefused} key requests, and the senders held "
              + $"messages (dropped {r.MessagesDropped}, {r.MessagesHeldAtEnd} still held at the end) instead of sending anything in clear.";
        b.AppendLine(verdict + " Seed 002's claim, one AES-256 key per 30 s per device, needs 8.5 bit/s per device, so 1.3 kbit/s serves about 150 devices.");
        b.AppendLine();
        b.AppendLine("![signal at the edge](edge-signal.png)");
        b.AppendLine();
        b.AppendLine("![key pool level](key-pool.png)");
        return b.ToString();
    }

    /// <summary>The short text report for the terminal.</summary>
    public static string Text(DemoResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"qkd demo: {r.Sensors} sensor(s), mode {r.Mode}, {r.DurationS:0.#} s, seed {r.Seed}");
        b.AppendLine(c, $"  messages   sent {r.MessagesSent}, received {r.MessagesReceived}, decrypted {r.MessagesDecrypted}, stored {r.MessagesStored}");
        b.AppendLine(c, $"  failures   {(r.Failures.Count == 0 ? "none" : string.Join(", ", r.Failures.Select(kv => $"{kv.Key} {kv.Value}")))}; dropped {r.MessagesDropped}, held {r.MessagesHeldAtEnd}, key refusals {r.KeyRequestsRefused}");
        b.AppendLine(c, $"  plaintext on the wire: {r.PlaintextMessagesOnWire} messages");
        b.AppendLine(c, $"  keys       {r.KeysConsumed} consumed ({r.KeyBitsConsumed} bits); demand {r.KeyDemandBitsPerSecond:0.#} bit/s in this run, {r.KeyDemandSteadyBitsPerSecond:0.#} bit/s long run; budget {r.KeyRateBudgetBitsPerSecond:0} bit/s ({r.KeyBudgetAes256KeysPerSecond:0.##} AES-256 keys/s)");
        b.AppendLine(c, $"  latency    p50 {r.LatencyP50Ms:0.##} ms, p99 {r.LatencyP99Ms:0.##} ms");
        b.AppendLine(c, $"  bytes      {r.PlaintextBytes} plaintext, {r.BytesOnWire} on the wire");
        b.AppendLine(c, $"  report     {r.Report} (plots {string.Join(", ", r.Plots)}; edge store {r.EdgeStore})");
        return b.ToString();
    }

    private static void Row(StringBuilder b, string name, object value) => b.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
}
