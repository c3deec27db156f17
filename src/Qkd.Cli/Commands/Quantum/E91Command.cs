using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using Qkd.Physics;
using Qkd.Quantum;

namespace Qkd.Cli.Commands.Quantum;

/// <summary>`qkd e91`: entanglement-based QKD with a CHSH test over the shared fibre model.</summary>
public static class E91Command
{
    public static Command Create()
    {
        var distance = CliOptions.Double("--distance-km", "Fibre length between Alice and Bob, source in the middle", 0, 500, "km");
        distance.Required = true;
        var pairs = CliOptions.Long("--pairs", "Entangled pairs emitted (default 1000000)", 1, 1_000_000_000);
        var eve = CliOptions.Choice("--eve", "Eavesdropper on Bob's arm (default none)", "none", "intercept-resend");
        var attenuation = CliOptions.Double("--attenuation-db-per-km", "Fibre attenuation (default 0.2)", 0, 10, "dB/km");
        var efficiency = CliOptions.Double("--detector-efficiency", "Detection efficiency of each side (default 0.6)", 1e-6, 1);
        var dark = CliOptions.Double("--dark-count-probability", "Background click probability per gate and side (default 1e-6)", 0, 0.5);
        var misalignment = CliOptions.Double("--misalignment", "Misalignment error e_det per photon (default 0.01)", 0, 0.5);
        var rate = CliOptions.Double("--pair-rate-hz", "Pair emission rate (default 1e7)", 1, 1e11, "Hz");
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var cmd = new Command("e91", "E91/BBM92 entanglement-based QKD: CHSH value, QBER and key rate over lossy fibre")
        {
            distance, pairs, eve, attenuation, efficiency, dark, misalignment, rate, seed, json,
        };
        cmd.SetAction(parse =>
        {
            var link = new LinkDescription(
                new Fiber(parse.GetValue(distance)!.Value, parse.GetValue(attenuation) ?? 0.2), 0,
                new Source(SourceKind.SinglePhoton, 1, ImmutableArray<double>.Empty, parse.GetValue(rate) ?? 1e7),
                new Detector(parse.GetValue(efficiency) ?? 0.6, parse.GetValue(dark) ?? 1e-6, parse.GetValue(misalignment) ?? 0.01));
            var attack = parse.GetValue(eve) == "intercept-resend" ? E91Eavesdropper.InterceptResend : E91Eavesdropper.None;
            var n = parse.GetValue(pairs) ?? 1_000_000;
            var s = parse.GetValue(seed) ?? 1;
            var r = n > 5_000_000
                ? CliProgress.Run("e91", _ => E91Protocol.Simulate(link, n, attack, s))
                : E91Protocol.Simulate(link, n, attack, s);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, r);
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                output.WriteLine($"E91/BBM92 over {r.DistanceKm:G4} km (source in the middle), {r.Pairs} pairs, eve {parse.GetValue(eve) ?? "none"}, seed {r.Seed}");
                output.WriteLine(string.Format(c, "  coincidences {0}, sifted bits {1}, errors {2}", r.Coincidences, r.SiftedBits, r.Errors));
                output.WriteLine(string.Format(c, "  CHSH S = {0:F4} +- {1:F4}  (expected {2:F4}; local bound 2, quantum bound 2.8284)", r.Chsh, r.ChshStandardError, r.ExpectedChsh));
                output.WriteLine(string.Format(c, "  QBER   = {0:F4}           (expected {1:F4}); visibility {2:F4}", r.Qber, r.ExpectedQber, r.Visibility));
                output.WriteLine(string.Format(c, "  sifted key rate {0:G4} bit/s, secret key rate {1:G4} bit/s", r.SiftedKeyRateBitsPerSecond, r.SecretKeyRateBitsPerSecond));
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
