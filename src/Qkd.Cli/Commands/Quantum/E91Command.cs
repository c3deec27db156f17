using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using Qkd.Physics;
using Qkd.Quantum;

namespace Qkd.Cli.Commands.Quantum;

/// <summary>`qkd e91`: entanglement-based QKD with a CHSH test over the shared fibre model.</summary>
public static class E91Command
{
    // Long because it declares every option with its range and help text; parsing and rendering stay in one place per command.
    public static Command Create()
    {
        var distance = CliOptions.Double("--distance-km", "Fibre length between Alice and Bob, source in the middle", 0, 500, "km");
        distance.Required = true;
        var pairs = CliOptions.Long("--pairs", "Entangled pairs emitted (default 1000000)", 1, 1_000_000_000);
        var eve = CliOptions.Choice("--eve", "Eavesdropper on Bob's arm (default none)", "none", "intercept-resend");
        var preset = CliOptions.Choice("--preset", "Take fibre and detectors from a link preset (default: an entangled-source link, 0.2 dB/km, efficiency 0.6, Y0 1e-6, e_det 1 %, 1e7 pairs/s)", [.. LinkPresets.Names]);
        var attenuation = CliOptions.Double("--alpha-db-per-km", "Fibre attenuation", 0, 10, "dB/km");
        var extraLoss = CliOptions.Double("--extra-loss-db", "Extra loss (connectors, WDM), split between the arms", 0, 100, "dB");
        var efficiency = CliOptions.Double("--detector-efficiency", "Detection efficiency of each side", 1e-6, 1);
        var dark = CliOptions.Double("--dark-count-per-pulse", "Background click probability Y0 per gate and side", 0, 0.5);
        var misalignment = CliOptions.Double("--misalignment", "Misalignment error e_det per photon", 0, 0.5);
        var rate = CliOptions.Double("--pair-rate-hz", "Pair emission rate", 1, 1e11, "Hz");
        var curveTo = CliOptions.Double("--curve-max-km", "Also print the analytic QBER, S and key rate from 0 to this distance (11 points)", 1, 1000, "km");
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var cmd = new Command("e91", "E91/BBM92 entanglement-based QKD: CHSH value, QBER and key rate over lossy fibre")
        {
            distance, pairs, eve, preset, attenuation, extraLoss, efficiency, dark, misalignment, rate, curveTo, seed, json,
        };
        cmd.SetAction(parse =>
        {
            var baseLink = parse.GetValue(preset) is { } name
                ? LinkPresets.Get(name)
                : new LinkDescription(new Fiber(0, 0.2), 0, new Source(SourceKind.SinglePhoton, 1, ImmutableArray<double>.Empty, 1e7),
                    new Detector(0.6, 1e-6, 0.01));
            var detector = baseLink.Detector;
            var link = baseLink.With(
                fiber: new Fiber(parse.GetValue(distance)!.Value, parse.GetValue(attenuation) ?? baseLink.Fiber.AttenuationDbPerKm),
                extraLossDb: parse.GetValue(extraLoss),
                source: baseLink.Source.WithRepetitionRate(parse.GetValue(rate) ?? baseLink.Source.RepetitionRateHz),
                detector: new Detector(parse.GetValue(efficiency) ?? detector.Efficiency, parse.GetValue(dark) ?? detector.DarkCountProbability,
                    parse.GetValue(misalignment) ?? detector.Misalignment));
            var attack = parse.GetValue(eve) == "intercept-resend" ? E91Eavesdropper.InterceptResend : E91Eavesdropper.None;
            var n = parse.GetValue(pairs) ?? 1_000_000;
            var s = parse.GetValue(seed) ?? 1;
            var r = n > 5_000_000
                ? CliProgress.Run("e91", _ => E91Protocol.Simulate(link, n, attack, s))
                : E91Protocol.Simulate(link, n, attack, s);
            var output = parse.InvocationConfiguration.Output;
            var curve = parse.GetValue(curveTo) is { } maxKm ? E91Link.Curve(link, maxKm, 11, attack) : [];
            if (parse.GetValue(json))
            {
                if (curve.IsEmpty)
                {
                    JsonOutput.Write(output, r);
                }
                else
                {
                    // Keep the result's fields at the top level (the --json contract) and add the curve beside them.
                    var node = System.Text.Json.JsonSerializer.SerializeToNode(r, JsonOutput.Options)!.AsObject();
                    node["curve"] = System.Text.Json.JsonSerializer.SerializeToNode(curve, JsonOutput.Options);
                    output.WriteLine(node.ToJsonString(JsonOutput.Options));
                }
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                output.WriteLine($"E91/BBM92 over {r.DistanceKm:G4} km (source in the middle), {r.Pairs} pairs, eve {parse.GetValue(eve) ?? "none"}, seed {r.Seed}");
                output.WriteLine(string.Format(c, "  coincidences {0}, sifted bits {1}, errors {2}", r.Coincidences, r.SiftedBits, r.Errors));
                output.WriteLine(string.Format(c, "  CHSH S = {0:F4} +- {1:F4}  (expected {2:F4}; local bound 2, quantum bound 2.8284)", r.Chsh, r.ChshStandardError, r.ExpectedChsh));
                output.WriteLine(string.Format(c, "  QBER   = {0:F4}           (expected {1:F4}); visibility {2:F4}", r.Qber, r.ExpectedQber, r.Visibility));
                output.WriteLine(string.Format(c, "  sifted key rate {0:G4} bit/s, secret key rate {1:G4} bit/s", r.SiftedKeyRateBitsPerSecond, r.SecretKeyRateBitsPerSecond));
                if (!curve.IsEmpty)
                {
                    output.WriteLine("  analytic curve:   km     QBER       S   sifted bit/s   secret bit/s");
                    foreach (var p in curve)
                    {
                        output.WriteLine(string.Format(c, "               {0,6:F1} {1,8:F4} {2,7:F4} {3,14:G4} {4,14:G4}", p.DistanceKm, p.Qber, p.Chsh, p.SiftedKeyRateBitsPerSecond, p.SecretKeyRateBitsPerSecond));
                    }
                }
            }
            if (!r.BellViolated)
            {
                parse.InvocationConfiguration.Error.WriteLine("abort: no Bell violation (S not above 2 by three standard errors); the pairs may be intercepted, no key.");
                return ExitCodes.DomainAbort;
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
