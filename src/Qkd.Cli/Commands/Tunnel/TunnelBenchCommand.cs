using System.CommandLine;
using Microsoft.Extensions.Logging;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Tunnel;
using Qkd.Kms.Dev;

namespace Qkd.Cli.Commands.Tunnel;

/// <summary>`qkd tunnel bench`: the loopback performance run (bulk throughput, 100-byte round trips, KeyUpdate stall) against a plain forwarder.</summary>
public static class TunnelBenchCommand
{
    public static Command Create()
    {
        var mb = CliOptions.Long("--bulk-mb", "Bulk stream size per path (default 256)", 1, 1 << 20);
        var trips = CliOptions.Long("--round-trips", "Timed 100-byte request/response round trips per path (default 5000)", 10, 10_000_000);
        var rekeyMs = CliOptions.Double("--rekey-ms", "KeyUpdate period of the rekey run (default 50)", 1, 60_000, "ms");
        var freshMs = CliOptions.Double("--fresh-key-ms", "Fresh-key period of the fresh-key-stream run (default 200)", 10, 60_000, "ms");
        var suite = CliOptions.Choice("--suite", "Cipher suite (default aes256)", "aes256", "aes128");
        var groups = CliOptions.Choice("--groups", "psk_dhe_ke groups (default hybrid)", "hybrid", "classic");
        var json = CliOptions.Json();
        var cmd = new Command("bench", "Loopback run: the tunnel beside a plain TCP forwarder written the same way (throughput ratio, added latency, rekey stall)")
        {
            mb, trips, rekeyMs, freshMs, suite, groups, json,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = new LoopbackBenchmarkOptions
            {
                BulkBytes = (parse.GetValue(mb) ?? 256) << 20,
                RoundTrips = (int)(parse.GetValue(trips) ?? 5000),
                RekeyInterval = TimeSpan.FromMilliseconds(parse.GetValue(rekeyMs) ?? 50),
                FreshKeyInterval = TimeSpan.FromMilliseconds(parse.GetValue(freshMs) ?? 200),
                Tunnel = TunnelEndCommand.TunnelSettingsOf(null, parse.GetValue(suite), parse.GetValue(groups), null, null, listen: true),
            }.Validated();
            var dir = Path.Combine(Path.GetTempPath(), "qkd-tunnel-bench-" + Guid.NewGuid().ToString("N")[..8]);
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine($"tunnel bench: development KMS network in {dir}; {TunnelEndCommand.Describe(options.Tunnel)}; {Environment.ProcessorCount} cores (a shared machine makes absolute figures noisy; read the ratios)");
            LoopbackBenchmarkResult result;
            await using (var net = await DevNetwork.StartAsync(new DevNetworkOptions { Directory = dir }, b => b.SetMinimumLevel(LogLevel.Warning), ct: ct))
            {
                var file = DevNetworkFile.Load(net.DevJsonPath);
                using var a = new EtsiKeyClient(file.Credentials("SAE_A"));
                using var b = new EtsiKeyClient(file.Credentials("SAE_B"));
                using var logs = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
                result = await LoopbackBenchmark.RunAsync(a, "SAE_B", b, "SAE_A", options, logs.CreateLogger("qkd.tunnel"), ct);
            }
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, new { cores = Environment.ProcessorCount, bulkBytes = options.BulkBytes, roundTrips = options.RoundTrips, messageBytes = options.MessageBytes, rekeyIntervalMs = options.RekeyInterval.TotalMilliseconds, freshKeyIntervalMs = options.FreshKeyInterval.TotalMilliseconds, result });
                return ExitCodes.Ok;
            }
            o.WriteLine($"{"path",-22} {"bulk Gbit/s",12} {"RTT p50 ms",11} {"RTT p99 ms",11} {"RTT max ms",11}");
            foreach (var (name, p) in new[] { ("direct", result.Direct), ("plain forwarder x2", result.Plain), ("tunnel", result.Tunnel), ($"tunnel, rekey {options.RekeyInterval.TotalMilliseconds} ms", result.TunnelRekeying), ($"fresh key {options.FreshKeyInterval.TotalMilliseconds} ms", result.TunnelFreshKey) })
            {
                o.WriteLine($"{name,-22} {p.BulkGbitPerSecond,12:F2} {p.RoundTripP50Ms,11:F3} {p.RoundTripP99Ms,11:F3} {p.RoundTripMaxMs,11:F3}");
            }
            o.WriteLine($"throughput tunnel / plain forwarder: {result.ThroughputRatioTunnelToPlain:F2}; added RTT p99 over direct {result.AddedP99MsOverDirect:F3} ms, over plain {result.AddedP99MsOverPlain:F3} ms; " +
                $"{result.KeyUpdates} KeyUpdates, longest held the stream {result.MaxKeyUpdateMs:F3} ms; " +
                $"{result.FreshKeys} fresh keys moved into running streams, longest stall {result.MaxFreshKeyStallMs:F3} ms; {result.KeysConsumed} QKD keys");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
