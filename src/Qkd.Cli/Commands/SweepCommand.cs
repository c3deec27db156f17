using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using Qkd.Cli.Plotting;
using Qkd.KeyRate.Analysis;
using Qkd.Physics;

namespace Qkd.Cli.Commands;

/// <summary>`qkd sweep`: key rate and QBER versus distance, one curve per value of a link parameter; CSV + PNG/SVG plots.</summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var link = new LinkOptions(modelRequired: true);
        var distance = new Option<string>("--distance-km")
        {
            Description = "Distances FROM:TO:STEP in km, e.g. 0:200:1",
            DefaultValueFactory = _ => "0:200:1",
        };
        var vary = new Option<string?>("--vary") { Description = $"NAME=v1,v2,... one curve per value; NAME one of {string.Join(", ", LinkParameter.Names)}" };
        var outDir = new Option<string>("--out") { Description = "Output directory (created if missing)", Required = true };
        var json = CliOptions.Json();
        var cmd = new Command("sweep", "Key rate and QBER versus distance: CSV and plots (PNG, SVG)");
        foreach (var o in link.All())
        {
            cmd.Options.Add(o);
        }
        cmd.Options.Add(distance);
        cmd.Options.Add(vary);
        cmd.Options.Add(outDir);
        cmd.Options.Add(json);
        cmd.SetAction(parse =>
        {
            var distances = ParseRange(parse.GetValue(distance)!);
            var (name, values) = ParseVary(parse.GetValue(vary));
            var description = link.BuildLink(parse, null);
            var model = link.BuildModel(parse);
            var mu = parse.GetValue(link.Mu);
            foreach (var v in values)
            {
                try
                {
                    Physics.LinkParameter.Apply(description, name!, v);
                }
                catch (ArgumentException e)
                {
                    var message = e.Message.Split(" (Parameter", 2)[0];
                    throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--vary {name}={v:G6}: {message}"));
                }
            }
            var dir = parse.GetValue(outDir)!;
            Func<LinkDescription, LinkDescription>? atLength = link.BuildWdm(parse) is { } w ? l => WdmLink.Apply(l, w.Wdm, w.Channels) : null;
            var curves = CliProgress.Run($"sweep {model.Name}", progress => name is null
                ? [KeyRateSweep.Run(model, description, distances, mu, model.Name, progress: progress, atLength: atLength)]
                : KeyRateSweep.Vary(model, description, distances, mu, name, values, progress, atLength));
            Directory.CreateDirectory(dir);
            var title = $"{model.Name}, preset {parse.GetValue(link.Preset) ?? "gys"}";
            SweepFigures.Write(dir, "sweep", title, curves);
            var files = SweepFigures.FileNames("sweep").Select(f => Path.Combine(dir, f)).ToArray();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new
                {
                    model = model.Name,
                    parameter = name,
                    curves = curves.Select(c => new { label = c.Label, value = c.Value, maxDistanceKm = c.MaxDistanceKm, samples = c.Samples.Length }),
                    files,
                });
            }
            else
            {
                foreach (var c in curves)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Label,-40} max distance {c.MaxDistanceKm,8:F2} km"));
                }
                foreach (var f in files)
                {
                    output.WriteLine($"wrote {f}");
                }
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Parses FROM:TO:STEP (km).</summary>
    internal static ImmutableArray<double> ParseRange(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || !TryParse(parts[0], out var from) || !TryParse(parts[1], out var to) || !TryParse(parts[2], out var step))
        {
            throw new UsageException($"--distance-km must be FROM:TO:STEP in km with 0 <= FROM <= TO <= 1000 and STEP > 0 (e.g. 0:200:1), but was '{text}'.");
        }
        if (!(from >= 0 && to >= from && to <= 1000 && step > 0))
        {
            throw new UsageException($"--distance-km must satisfy 0 <= FROM <= TO <= 1000 km and STEP > 0 km, but was '{text}'.");
        }
        return KeyRateSweep.Distances(from, to, step);
    }

    /// <summary>Parses NAME=v1,v2,... (null when absent).</summary>
    internal static (string? Name, ImmutableArray<double> Values) ParseVary(string? text)
    {
        if (text is null)
        {
            return (null, []);
        }
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var name = eq > 0 ? text[..eq] : "";
        if (!LinkParameter.Names.Contains(name) || name == "distance-km")
        {
            throw new UsageException($"--vary must be NAME=v1,v2,... with NAME one of {string.Join(", ", LinkParameter.Names.Where(n => n != "distance-km"))}, but was '{text}'.");
        }
        var b = ImmutableArray.CreateBuilder<double>();
        foreach (var v in text[(eq + 1)..].Split(','))
        {
            if (!TryParse(v, out var x))
            {
                throw new UsageException($"--vary {name}: every value must be a finite number, but got '{v}'.");
            }
            b.Add(x);
        }
        if (b.Count is 0 or > 10)
        {
            throw new UsageException($"--vary {name}: give 1 to 10 values, but got {b.Count}.");
        }
        return (name, b.ToImmutable());
    }

    private static bool TryParse(string s, out double v)
        => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);
}
