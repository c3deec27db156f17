using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Qkd.Bb84.Eavesdropping;
using Qkd.Kms.Supply;
using Qkd.Testbed;
using Qkd.Testbed.Dashboard;
using Qkd.Testbed.Link;
using Qkd.Testbed.Observation;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>`qkd demo`: the Turin testbed live in this process (simulated BB84 links -> KMEs -> gateways -> edge), with a web dashboard.</summary>
public static class DemoCommand
{
    /// <summary>
    /// Default link seconds per wall second. The block length itself defaults to the one the finite-key bound
    /// chooses for the link within 60 s of latency (<see cref="DistilledLinkOptions.ChosenBlockSeconds"/>: 60 s on
    /// the Turin link, whose net rate is within 0.85-1.2x the analytic finite-key rate of the same block). In step
    /// with wall time a one-minute run would show at most one block, so the default run plays link time 3x faster
    /// than wall time (three Turin blocks in a minute) and says so
    /// on the terminal, the dashboard and in the report; `--time-scale 1` runs in step.
    /// </summary>
    public const double DefaultTimeScale = 3;

    /// <summary>The link with its block length: the one given, or the finite-key bound's choice.</summary>
    private static DistilledLinkOptions ChosenLink(DistilledLinkOptions link, double? blockSeconds) =>
        link with { BlockSeconds = blockSeconds ?? DistilledLinkOptions.ChosenBlockSeconds(link) };

    // Long because it declares every option with its range and help text; parsing and rendering stay in one place per command.
    public static Command Create()
    {
        var duration = CliOptions.Double("--duration-s", "How long the sensors publish (default 60)", 1, 86400, "s");
        var mode = CliOptions.Choice("--mode", "Sealing mode (default aes-gcm)", DemoSettings.ModeNames);
        var sensors = CliOptions.Long("--sensors", "Power monitors (default 1)", 1, 50);
        var output = new Option<string?>("--out") { Description = "Folder for report.md, plots and the edge store (default out/demo)" };
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var refresh = CliOptions.Double("--refresh-s", "AES-GCM/hybrid key lifetime (default 30, seed 002)", 0.1, 86400, "s");
        var perKey = CliOptions.Long("--messages-per-key", "AES-GCM/hybrid: also refresh after this many messages (default unlimited)", 1, long.MaxValue);
        var supply = CliOptions.Choice("--supply", "Keys from the simulated BB84 link + post-processing, or random blocks at 1.3 kbit/s (default bb84)", "bb84", "random");
        var preset = CliOptions.Choice("--preset", "Link preset (default turin)", [.. Qkd.Physics.LinkPresets.Names]);
        var distance = CliOptions.Double("--distance-km", "Fibre length of each link (default: the preset's)", 0, 1000, "km");
        var blockSeconds = CliOptions.Double("--block-seconds", "Link time per distilled block (default: the block the finite-key bound chooses within 60 s, 60 s on turin)",
            DistilledLinkOptions.MinBlockSeconds, DistilledLinkOptions.MaxBlockSeconds, "s");
        var timeScale = CliOptions.Double("--time-scale", $"Link seconds per wall second (default {DefaultTimeScale}; 1 = in step with wall time)", 0.1, 10000);
        var prefill = CliOptions.Long("--prefill-bits", "Random key bits put in every link's pool at start (default 4096)", 0, 1L << 30);
        var eve = CliOptions.Choice("--eve", "Eavesdropper on the first link (default none)", "intercept-resend", "pns", "beam-splitting");
        var eveAt = CliOptions.Double("--eve-at", "When Eve starts, seconds into the run (default 0)", 0, 86400, "s");
        var eveUntil = CliOptions.Double("--eve-until", "When Eve stops, seconds into the run (default: the end)", 0, 86400, "s");
        var eveFraction = CliOptions.Double("--eve-fraction", "Strength of the attack (default 1)", 0, 1);
        var scheme = CliOptions.Choice("--scheme", "Seed 003's encryption scheme: per-device gateways and key streams, or one fixed gateway at the router (default per-device)", "per-device", "fixed");
        var kmes = CliOptions.Choice("--kmes", "2: plant - edge; 3: plant - relay - edge (two links, trusted relay)", "2", "3");
        var port = CliOptions.Long("--dashboard-port", "Dashboard port on 127.0.0.1 (default: a free port)", 0, 65535);
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not try to open a browser on the dashboard" };
        var keepOpen = new Option<bool>("--keep-open") { Description = "Leave the dashboard up after the run until Ctrl-C" };
        var cmd = new Command("demo", "The Turin testbed live: simulated QKD link -> KMEs (ETSI 014) -> gateways (MQTT) -> edge store, an optional eavesdropper, a web dashboard; writes a report with plots")
        {
            duration, mode, sensors, output, seed, json, refresh, perKey, supply, preset, distance, blockSeconds, timeScale, prefill,
            eve, eveAt, eveUntil, eveFraction, scheme, kmes, port, noBrowser, keepOpen,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var bb84 = (parse.GetValue(supply) ?? "bb84") == "bb84";
            if (!bb84 && (parse.GetValue(preset) is not null || parse.GetValue(distance) is not null || parse.GetValue(blockSeconds) is not null
                || parse.GetValue(timeScale) is not null || parse.GetValue(eve) is not null))
            {
                throw new UsageException("--preset, --distance-km, --block-seconds, --time-scale and --eve apply only to --supply bb84.");
            }
            if (parse.GetValue(eve) is null && (parse.GetValue(eveAt) is not null || parse.GetValue(eveUntil) is not null || parse.GetValue(eveFraction) is not null))
            {
                throw new UsageException("--eve-at, --eve-until and --eve-fraction need --eve intercept-resend|pns|beam-splitting.");
            }
            var seedValue = parse.GetValue(seed) ?? 1;
            var settings = new TestbedSettings(parse.GetValue(duration) ?? 60, DemoSettings.ModeOf(parse.GetValue(mode) ?? "aes-gcm"),
                (int)(parse.GetValue(sensors) ?? 1), parse.GetValue(output) ?? Path.Combine("out", "demo"), seedValue)
            {
                Refresh = new Qkd.Gateway.Sealing.KeyRefreshPolicy(TimeSpan.FromSeconds(parse.GetValue(refresh) ?? 30), parse.GetValue(perKey) ?? long.MaxValue),
                Supply = bb84 ? KeySupplyChoice.Bb84 : KeySupplyChoice.Random,
                Link = new LiveLinkSettings
                {
                    Link = ChosenLink(new DistilledLinkOptions { Preset = parse.GetValue(preset) ?? "turin", DistanceKm = parse.GetValue(distance) },
                        parse.GetValue(blockSeconds)),
                    TimeScale = parse.GetValue(timeScale) ?? DefaultTimeScale,
                },
                Eve = parse.GetValue(eve) is { } kind
                    ? new EavesdropperPlan(KindOf(kind), parse.GetValue(eveFraction) ?? 1, parse.GetValue(eveAt) ?? 0, parse.GetValue(eveUntil))
                    : null,
                Scheme = parse.GetValue(scheme) == "fixed" ? EncryptionScheme.Fixed : EncryptionScheme.PerDevice,
                Kmes = int.Parse(parse.GetValue(kmes) ?? "2", CultureInfo.InvariantCulture),
                PrefillBits = parse.GetValue(prefill) ?? 256 * 16,
            };
            try
            {
                settings = settings.Validated();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            var error = parse.InvocationConfiguration.Error;
            // Ctrl-C (SIGINT) or SIGTERM ends the run early and cleanly: sensors stop, servers and stores close, the report is written.
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            void Stop(System.Runtime.InteropServices.PosixSignalContext c)
            {
                c.Cancel = true;
                try
                {
                    interrupt.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The signal came as the command was returning: nothing left to stop.
                }
            }
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
            var monitor = new TestbedMonitor(Testbed.Testbed.Describe(settings));
            var testbed = new Testbed.Testbed(settings, monitor);
            await using var dashboard = await DashboardServer.StartAsync(monitor, (int)(parse.GetValue(port) ?? 0), ct: ct);
            error.WriteLine($"dashboard: {dashboard.Url}");
            if (settings.Supply == KeySupplyChoice.Bb84 && settings.Link.TimeScale != 1)
            {
                error.WriteLine($"demo: link time runs {settings.Link.TimeScale}x faster than wall time (--time-scale {settings.Link.TimeScale})");
            }
            if (!parse.GetValue(noBrowser))
            {
                TryOpenBrowser(dashboard.Url);
            }
            using var statusStop = new CancellationTokenSource();
            var statusTask = StatusLineAsync(monitor, error, statusStop.Token);
            var (result, rows) = await testbed.RunAsync(line => error.WriteLine("demo: " + line), dashboard.Url.ToString(), interrupt.Token);
            await statusStop.CancelAsync();
            await statusTask;
            result = DemoReport.Write(result, rows, monitor);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, result);
            }
            else
            {
                o.Write(DemoReport.Text(result));
            }
            o.Flush();
            if (parse.GetValue(keepOpen) && !interrupt.IsCancellationRequested)
            {
                error.WriteLine($"dashboard stays up at {dashboard.Url}; Ctrl-C ends.");
                try
                {
                    await Task.Delay(Timeout.Infinite, interrupt.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return result.PlaintextMessagesOnWire == 0 ? ExitCodes.Ok : ExitCodes.DomainAbort;
        });
        return cmd;
    }

    private static EavesdropperKind KindOf(string name) => name switch
    {
        "intercept-resend" => EavesdropperKind.InterceptResend,
        "pns" => EavesdropperKind.PhotonNumberSplitting,
        _ => EavesdropperKind.BeamSplitting,
    };

    /// <summary>One live status line on stderr: rewritten in place on a terminal, every 10 s otherwise.</summary>
    private static async Task StatusLineAsync(TestbedMonitor monitor, TextWriter error, CancellationToken ct)
    {
        var interactive = CliProgress.Interactive;
        var started = Stopwatch.StartNew();
        var last = -10.0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var t = started.Elapsed.TotalSeconds;
                if (!interactive && t - last < 10)
                {
                    continue;
                }
                last = t;
                var line = DemoReport.StatusLine(monitor, t);
                error.Write(interactive ? "\r" + line.PadRight(118)[..118] : line + Environment.NewLine);
                error.Flush();
            }
        }
        catch (OperationCanceledException)
        {
        }
        if (interactive)
        {
            error.WriteLine();
        }
    }

    private static void TryOpenBrowser(Uri url)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("xdg-open", url.ToString()) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No browser opener here: the URL is printed.
        }
    }
}
