using System.CommandLine;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>`qkd demo`: sensor data encrypted with QKD keys end to end, in this process, on embedded defaults.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var duration = CliOptions.Double("--duration-s", "How long the sensors publish (default 30)", 1, 86400, "s");
        var mode = CliOptions.Choice("--mode", "Sealing mode (default aes-gcm)", "aes-gcm", "otp", "hybrid");
        var sensors = CliOptions.Long("--sensors", "Power monitors, each with its own master gateway (default 1)", 1, 50);
        var output = new Option<string?>("--out") { Description = "Folder for report.md, plots and the edge store (default out/demo)" };
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var refresh = CliOptions.Double("--refresh-s", "AES-GCM/hybrid key lifetime (default 30, seed 002)", 0.1, 86400, "s");
        var perKey = CliOptions.Long("--messages-per-key", "AES-GCM/hybrid: also refresh after this many messages (default unlimited)", 1, long.MaxValue);
        var cmd = new Command("demo", "End-to-end demo: power-monitor data sealed with QKD keys (ETSI 014 KMS, MQTT, edge store); writes a report with plots")
        {
            duration, mode, sensors, output, seed, json, refresh, perKey,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var settings = new DemoSettings(parse.GetValue(duration) ?? 30, DemoSettings.ModeOf(parse.GetValue(mode) ?? "aes-gcm"),
                (int)(parse.GetValue(sensors) ?? 1), parse.GetValue(output) ?? Path.Combine("out", "demo"), parse.GetValue(seed) ?? 1)
            {
                Refresh = new Qkd.Gateway.Sealing.KeyRefreshPolicy(TimeSpan.FromSeconds(parse.GetValue(refresh) ?? 30), parse.GetValue(perKey) ?? long.MaxValue),
            };
            var error = parse.InvocationConfiguration.Error;
            var (result, rows) = await RunWithProgressAsync(settings, line => error.WriteLine("demo: " + line), ct);
            DemoReport.Write(result, rows);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, result);
            }
            else
            {
                o.Write(DemoReport.Text(result));
            }
            return result.PlaintextMessagesOnWire == 0 ? ExitCodes.Ok : ExitCodes.DomainAbort;
        });
        return cmd;
    }

    private static Task<(DemoResult, IReadOnlyList<Qkd.Gateway.Edge.EdgeStore.Row>)> RunWithProgressAsync(DemoSettings s, Action<string> status, CancellationToken ct)
    {
        if (!CliProgress.Interactive)
        {
            return DemoRun.RunAsync(s, status, new Progress<double>(_ => { }), ct);
        }
        var result = CliProgress.Run($"demo ({DemoSettings.NameOf(s.Mode)})", p => DemoRun.RunAsync(s, _ => { }, p, ct).GetAwaiter().GetResult());
        return Task.FromResult(result);
    }
}
