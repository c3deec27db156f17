using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Qkd.Kms;
using Qkd.Kms.Dev;
using Qkd.Kms.Load;

namespace Qkd.Cli.Commands;

/// <summary>`qkd kms load --dev DIR/dev.json`: open-loop enc_keys load against a KME; prints rate and latency percentiles.</summary>
public static class KmsLoadCommand
{
    public static Command Create()
    {
        var dev = new Option<string>("--dev") { Description = "dev.json written by `qkd kms dev`", Required = true };
        var master = new Option<string>("--master") { Description = "Master SAE (default: the first SAE in dev.json)" };
        var slave = new Option<string>("--slave") { Description = "Slave SAE (default: the last SAE in dev.json)" };
        var rate = CliOptions.Double("--rate", "Requests per second (default 1000)", 1, 100_000, "1/s");
        var duration = CliOptions.Double("--duration", "Measured duration (default 10)", 0.1, 3600, "s");
        var size = CliOptions.Long("--size", "Key size per key (default 256)", 8, 1 << 20);
        var number = CliOptions.Long("--number", "Keys per request (default 1)", 1, 10_000);
        var connections = CliOptions.Long("--connections", "HTTP connections (default 16)", 1, 1024);
        var warmup = CliOptions.Double("--warmup", "Load at the same rate before measuring, not counted: the server's JIT reaches steady state (default 5)", 0, 600, "s");
        var csv = new Option<string>("--latency-csv") { Description = "Write every measured request (scheduled time, dispatch lag, latency, status) to this CSV file" };
        var client = CliOptions.Choice("--client", "HTTP client that sends the requests: lean (the generator's own keep-alive HTTP/1.1 client, nothing allocated per request; default) or httpclient (.NET's HttpClient, as an application would call)", "lean", "httpclient");
        var json = CliOptions.Json();
        var cmd = new Command("load", "Load-test enc_keys over mutual TLS: requests/s and p50/p90/p99 latency")
        {
            dev, master, slave, rate, duration, size, number, connections, warmup, csv, client, json,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(dev)!;
            if (!File.Exists(path))
            {
                throw new UsageException($"--dev file '{path}' does not exist; start `qkd kms dev --dir DIR` first.");
            }
            var info = JsonSerializer.Deserialize<DevNetwork.Description>(File.ReadAllText(path))
                ?? throw new UsageException($"--dev file '{path}' is empty.");
            var m = info.Saes.FirstOrDefault(s => s.Id == (parse.GetValue(master) ?? info.Saes[0].Id))
                ?? throw new UsageException($"--master must be one of {string.Join(", ", info.Saes.Select(s => s.Id))}.");
            var s = parse.GetValue(slave) ?? info.Saes[^1].Id;
            var url = info.Kmes.Single(k => k.Id == m.Kme).Url;
            // Fewer thread wake-ups per response: the generator competes less with the KME it measures (InlineSocketIo).
            InlineSocketIo.PreferForProcess();
            LoadResult result;
            try
            {
                result = await LoadGenerator.RunAsync(new LoadOptions(new Uri(url), info.Ca, m.Cert, m.Key, s,
                    parse.GetValue(rate) ?? 1000, TimeSpan.FromSeconds(parse.GetValue(duration) ?? 10), (int)(parse.GetValue(number) ?? 1),
                    (int)(parse.GetValue(size) ?? 256), (int)(parse.GetValue(connections) ?? 16))
                {
                    Warmup = TimeSpan.FromSeconds(parse.GetValue(warmup) ?? 5), LatencyCsv = parse.GetValue(csv),
                    Client = parse.GetValue(client) == "httpclient" ? LoadClient.HttpClient : LoadClient.Lean,
                }, ct);
            }
            catch (HttpRequestException e)
            {
                // The KME is not there (yet): an I/O failure (exit 3), not a crash with a stack trace.
                throw new IOException($"cannot reach KME {m.Kme} at {url} ({e.Message}); is `qkd kms dev --dir DIR` still running?", e);
            }
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, result);
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"enc_keys {m.Id}->{s}: {result.Requests} requests in {result.DurationSeconds:F1} s = {result.AchievedRequestsPerSecond:F0} req/s (target {result.TargetRatePerSecond:F0}), ok {result.Ok}, errors {result.Errors} (503: {result.Unavailable}); client {result.Client}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"latency from scheduled start: p50 {result.P50Ms:F2} ms, p90 {result.P90Ms:F2} ms, p99 {result.P99Ms:F2} ms, max {result.MaxMs:F2} ms"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"of which the generator's dispatch lag: p50 {result.DispatchLagP50Ms:F2} ms, p99 {result.DispatchLagP99Ms:F2} ms"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"KME {m.Kme} (its /metrics, same period, {result.ServerRequests:F0} requests): p50 {result.ServerP50Ms:F2} ms, p90 {result.ServerP90Ms:F2} ms, p99 {result.ServerP99Ms:F2} ms; GC pauses {result.ServerGcPauseMs:F0} ms in {result.ServerGcCollections:F0} collections; per request {result.ServerCpuMsPerRequest:F3} ms CPU, {result.ServerAllocatedBytesPerRequest:F0} B allocated (process-wide)"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"generator process: GC pauses {result.ClientGcPauseMs:F0} ms in {result.ClientGcCollections:F0} collections; per request {result.ClientCpuMsPerRequest:F3} ms CPU, {result.ClientAllocatedBytesPerRequest:F0} B allocated"));
            }
            return result.Errors == 0 ? ExitCodes.Ok : ExitCodes.DomainAbort;
        });
        return cmd;
    }
}
