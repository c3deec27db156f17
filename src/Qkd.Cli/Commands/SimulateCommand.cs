using System.Collections.Immutable;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Link;
using Qkd.Distillation;
using Qkd.Physics;
using Qkd.PostProcessing;

namespace Qkd.Cli.Commands;

/// <summary>`qkd simulate`: pulse-level Monte Carlo of a link preset, with decoys and eavesdroppers.</summary>
public static class SimulateCommand
{
    /// <summary>Runs expected to produce more clicks than this (about a second of work) get a progress bar.</summary>
    private const double ProgressBarDetections = 4e6;

    // Long because it declares every option with its range and help text; parsing and rendering stay in one place per command.
    public static Command Create()
    {
        var preset = CliOptions.Choice("--preset", "Link preset", [.. LinkPresets.Names]);
        preset.Required = true;
        var distance = CliOptions.Double("--distance-km", "Fibre length (default: the preset's)", 0, 1000, "km");
        var pulses = CliOptions.Long("--pulses", "Pulses to emit", 1, 1_000_000_000_000_000);
        var seconds = CliOptions.Double("--seconds", "Link time to simulate at the preset's repetition rate (default 1; with --distill the block that maximises the delivered key rate within 60 s)", 1e-9, 1e6, "s");
        var protocol = CliOptions.Choice("--protocol", "Encoding (default: three-state for turin, bb84 otherwise)", "bb84", "three-state");
        var decoy = new Option<string?>("--decoy")
        {
            Description = "Intensities as name=mu[:probability],... e.g. signal=0.5,decoy=0.1,vacuum=0; the first is the signal; "
                + "missing probabilities share what is left (signal 0.7 if none given). Default: the preset's",
        };
        var eve = CliOptions.Choice("--eve", "Eavesdropper (default none)", "none", "intercept-resend", "pns", "beam-splitting");
        var eveFraction = CliOptions.Double("--eve-fraction", "Attack strength: fraction of pulses (intercept-resend, pns) or of the fibre loss (beam-splitting); default 1", 0, 1);
        var sample = CliOptions.Double("--sample-fraction", "Fraction of key bits disclosed to estimate the QBER (default 0.1)", 1e-6, 0.999);
        var threads = CliOptions.Long("--threads", "Worker threads (default: all cores; the result does not depend on it)", 1, 256);
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var distill = new Option<bool>("--distill") { Description = "Carry the sifted keys through post-processing (Cascade, verification, privacy amplification, authentication) to secret key" };
        var method = CliOptions.Choice("--method", $"Reconciliation for --distill: a Cascade variant or ldpc (default {CascadeVariant.Default.Name})", [.. CascadeVariant.Names, Qkd.PostProcessing.Ldpc.LdpcOptions.MethodName]);
        var cmd = new Command("simulate", "Pulse-level Monte Carlo of a QKD link: sifted keys, gains, QBERs, decoy bounds, secure verdict")
        {
            preset, distance, pulses, seconds, protocol, decoy, eve, eveFraction, sample, threads, seed, json, distill, method,
        };
        cmd.SetAction(parse =>
        {
            var presetName = parse.GetValue(preset)!;
            var link = LinkPresets.Get(presetName);
            if (parse.GetValue(distance) is { } km)
            {
                link = link.WithFiberLength(km);
            }
            var p = parse.GetValue(pulses);
            var s = parse.GetValue(seconds);
            if (p is not null && s is not null)
            {
                throw new UsageException("--pulses and --seconds are alternatives; give one of them.");
            }
            var kind = (parse.GetValue(protocol) ?? (presetName == "turin" ? "three-state" : "bb84")) == "three-state"
                ? ProtocolKind.ThreeState : ProtocolKind.Bb84;
            // With --distill and no length given: the block that maximises the delivered rate within 60 s of link time.
            var defaultSeconds = parse.GetValue(distill) && p is null && s is null
                ? Qkd.Distillation.BlockLengthChoice.Choose(link, link.Source.SignalMeanPhotonNumber, kind == ProtocolKind.ThreeState).BlockSeconds
                : 1.0;
            var pulseCount = p ?? (long)Math.Ceiling((s ?? defaultSeconds) * link.Source.RepetitionRateHz);
            var intensities = parse.GetValue(decoy) is { } text ? ParseIntensities(text) : SimulationSettings.DefaultIntensities(link.Source);
            var eveKind = (parse.GetValue(eve) ?? "none") switch
            {
                "intercept-resend" => EavesdropperKind.InterceptResend,
                "pns" => EavesdropperKind.PhotonNumberSplitting,
                "beam-splitting" => EavesdropperKind.BeamSplitting,
                _ => EavesdropperKind.None,
            };
            var attacker = eveKind == EavesdropperKind.None ? Eavesdropper.None : new Eavesdropper(eveKind, parse.GetValue(eveFraction) ?? 1);
            var seedValue = parse.GetValue(seed) ?? (ulong)Random.Shared.NextInt64();
            var settings = new SimulationSettings(link, kind, intensities, attacker, pulseCount, seedValue, parse.GetValue(sample) ?? 0.1);
            var maxThreads = (int)(parse.GetValue(threads) ?? 0);

            var watch = Stopwatch.StartNew();
            var result = LinkSimulator.ExpectedDetections(settings) > ProgressBarDetections
                ? CliProgress.Run("simulating", progress => LinkSimulator.Run(settings, maxThreads, progress))
                : LinkSimulator.Run(settings, maxThreads);
            var report = SimulateReport.From(presetName, result, watch.Elapsed.TotalSeconds);
            if (parse.GetValue(distill))
            {
                report = report with { Distill = Distill(result, parse.GetValue(method)) };
            }
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, report);
            }
            else
            {
                report.WriteText(output);
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static DistillReport Distill(SimulationResult result, string? methodName)
    {
        if (result.SiftedBits < 64)
        {
            throw new UsageException($"--distill needs at least 64 sifted key bits, but the block has {result.SiftedBits}; simulate more --seconds or --pulses.");
        }
        var options = new PostProcessingOptions
        {
            Variant = CascadeVariant.FromName(methodName ?? CascadeVariant.Default.Name) ?? CascadeVariant.Default,
            Ldpc = methodName == Qkd.PostProcessing.Ldpc.LdpcOptions.MethodName ? Qkd.PostProcessing.Ldpc.LdpcOptions.Default : null,
        };
        var distilled = KeyDistillation.DistillAsync(result, options, TimeProvider.System).GetAwaiter().GetResult();
        var report = DistillReport.From(distilled);
        foreach (var key in distilled.PostProcessing.AliceKeys)
        {
            key?.Wipe();
        }
        foreach (var key in distilled.PostProcessing.BobKeys)
        {
            key?.Wipe();
        }
        return report;
    }

    /// <summary>Parses name=mu[:probability],...; missing probabilities share the remainder (signal 0.7 when none is given).</summary>
    internal static ImmutableArray<PulseIntensity> ParseIntensities(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is 0 or > 4)
        {
            throw new UsageException($"--decoy must list 1 to 4 intensities as name=mu[:probability], but was '{text}'.");
        }
        var names = new string[parts.Length];
        var mus = new double[parts.Length];
        var probabilities = new double?[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].Split('=', 2);
            var values = eq.Length == 2 ? eq[1].Split(':', 2) : [];
            if (eq.Length != 2 || eq[0].Length == 0
                || !double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out mus[i]) || !(mus[i] is >= 0 and <= 10))
            {
                throw new UsageException($"--decoy entry '{parts[i]}' must be name=mu[:probability] with mu within [0, 10] photons/pulse.");
            }
            names[i] = eq[0];
            if (values.Length == 2)
            {
                if (!double.TryParse(values[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var pr) || !(pr is > 0 and <= 1))
                {
                    throw new UsageException($"--decoy probability in '{parts[i]}' must be within (0, 1].");
                }
                probabilities[i] = pr;
            }
        }
        var given = 0.0;
        var missing = 0;
        foreach (var pr in probabilities)
        {
            given += pr ?? 0;
            missing += pr is null ? 1 : 0;
        }
        var signalDefault = probabilities[0] is null && parts.Length > 1 && given == 0 ? SimulationSettings.DefaultSignalProbability : (double?)null;
        var builder = ImmutableArray.CreateBuilder<PulseIntensity>(parts.Length);
        for (var i = 0; i < parts.Length; i++)
        {
            double pr;
            if (probabilities[i] is { } known)
            {
                pr = known;
            }
            else if (i == 0 && signalDefault is { } sd)
            {
                pr = sd;
            }
            else
            {
                var left = 1 - given - (signalDefault ?? 0);
                var share = missing - (signalDefault is null ? 0 : 1);
                pr = left / share;
            }
            if (!(pr > 0))
            {
                throw new UsageException($"--decoy probabilities must leave a share above 0 for '{names[i]}', and sum to 1.");
            }
            builder.Add(new PulseIntensity(names[i], mus[i], pr));
        }
        return builder.MoveToImmutable();
    }
}
