using System.CommandLine;
using System.Globalization;
using Qkd.Quantum;

namespace Qkd.Cli.Commands.Quantum;

/// <summary>`qkd decoy-check`: detection of intercept-resend by decoy photons, Monte Carlo against the closed form.</summary>
public static class DecoyCheckCommand
{
    public static Command Create()
    {
        var decoys = CliOptions.Long("--decoys", "Decoy photons per transmission", 1, 100_000);
        decoys.Required = true;
        var trials = CliOptions.Long("--trials", "Simulated transmissions (default 10000)", 1, 10_000_000);
        var fraction = CliOptions.Double("--intercept-fraction", "Fraction of particles Eve intercepts (default 1)", 0, 1);
        var message = CliOptions.Long("--message-particles", "Message particles the decoys are mixed into (default 64)", 0, 1_000_000);
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var cmd = new Command("decoy-check", "Eavesdropping check with decoy photons against intercept-resend (seed 003's 0.75^N)")
        {
            decoys, trials, fraction, message, seed, json,
        };
        cmd.SetAction(parse =>
        {
            var r = DecoyCheck.Simulate((int)parse.GetValue(decoys)!.Value, (int)(parse.GetValue(trials) ?? 10_000), parse.GetValue(seed) ?? 1,
                parse.GetValue(fraction) ?? 1, (int)(parse.GetValue(message) ?? 64));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, r);
                return ExitCodes.Ok;
            }
            var c = CultureInfo.InvariantCulture;
            output.WriteLine($"Decoy check: {r.Decoys} decoys among {r.MessageParticles} message particles, Eve intercepts {r.InterceptFraction:P0}, {r.Trials} trials, seed {r.Seed}");
            output.WriteLine(string.Format(c, "  undetected  measured {0:G6} +- {1:G3}   closed form (1 - f/4)^N = {2:G6}", r.UndetectedProbability, r.StandardError, r.UndetectedProbabilityExact));
            output.WriteLine(string.Format(c, "  detected    closed form {0:G6}", r.DetectionProbabilityExact));
            output.WriteLine(string.Format(c, "  seed 003: 0.75^N = {0:G6} (right, as Eve's chance to pass); \"found with 1 - 0.25^N\" = {1:G6} (wrong)", r.SeedUndetectedStatement, r.SeedDetectionStatement));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
