using System.CommandLine;
using Qkd.Cli.Reproduce;

namespace Qkd.Cli.Commands;

/// <summary>`qkd reproduce`: regenerates the seed papers' figures (links of seeds 000-002, seed 003's network) and a claim-by-claim Markdown report.</summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var which = new Argument<string>("seed") { Description = "seed-000, seed-001, seed-002, seed-003 or all" };
        which.Validators.Add(r =>
        {
            var v = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (v != "all" && !SeedReproduction.Seeds.Contains(v))
            {
                r.AddError($"seed must be one of {string.Join(", ", SeedReproduction.Seeds)}, all; but was '{v}'.");
            }
        });
        var outDir = new Option<string>("--out") { Description = "Output directory (created if missing)", Required = true };
        var json = CliOptions.Json();
        var cmd = new Command("reproduce", "Regenerate the figures of seeds 000-003 and a Markdown report checking each claim") { which, outDir, json };
        cmd.SetAction(parse =>
        {
            var seed = parse.GetValue(which)!;
            var dir = parse.GetValue(outDir)!;
            var seeds = seed == "all" ? SeedReproduction.Seeds : [seed];
            Directory.CreateDirectory(dir);
            var reports = CliProgress.Run("reproduce", progress =>
            {
                var list = new List<SeedReport>();
                for (var i = 0; i < seeds.Length; i++)
                {
                    list.Add(SeedReproduction.Run(seeds[i], dir));
                    progress.Report((i + 1.0) / seeds.Length);
                }
                return list;
            });
            var reportPath = Path.Combine(dir, "report.md");
            var tmp = reportPath + ".partial";
            File.WriteAllText(tmp, ReproduceReport.Markdown(reports));
            File.Move(tmp, reportPath, overwrite: true);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new
                {
                    report = reportPath,
                    seeds = reports.Select(r => new
                    {
                        seed = r.Seed,
                        figures = r.AllFiles.Select(x => Path.Combine(dir, x)),
                        claims = r.Claims,
                    }),
                });
            }
            else
            {
                foreach (var r in reports)
                {
                    foreach (var c in r.Claims)
                    {
                        output.WriteLine($"{r.Seed} {c.Where,-18} {c.Verdict,-13} {c.Claim}");
                    }
                }
                output.WriteLine($"wrote {reportPath} and {reports.Sum(r => r.AllFiles.Count())} figure and data files");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
