using System.CommandLine;
using Microsoft.Extensions.Logging;
using Qkd.Kms;
using Qkd.Kms.Dev;
using Qkd.Kms.Supply;

namespace Qkd.Cli.Commands;

/// <summary>`qkd kms dev --dir DIR [--kmes 2|3]`: a ready development network on loopback, in the foreground.</summary>
public static class KmsDevCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "Folder for certificates, configs, databases and dev.json", Required = true };
        var kmes = CliOptions.Choice("--kmes", "Number of KMEs: 2 (A-B) or 3 (A-B-C with a trusted relay at B)", "2", "3");
        var supplyKind = CliOptions.Choice("--supply", "What feeds the links: the simulated BB84 link + post-processing chain, or random blocks at --rate (default bb84)", "bb84", "random");
        var preset = CliOptions.Choice("--preset", "Link preset of the bb84 supply (default turin)", [.. Qkd.Physics.LinkPresets.Names]);
        var blockSeconds = CliOptions.Double("--block-seconds", $"Link time per distilled block of the bb84 supply (default: the block that maximises the delivered key rate within "
            + $"{DistilledLinkOptions.DefaultBlockSeconds} s, from the finite-key bound; see docs/kms.md)", DistilledLinkOptions.MinBlockSeconds, DistilledLinkOptions.MaxBlockSeconds, "s");
        var distance = CliOptions.Double("--distance-km", "Fibre length of the bb84 supply's link (default: the preset's)", 0, 1000, "km");
        var seed = CliOptions.Seed();
        var rate = CliOptions.Double("--rate", "Secret-key rate of the random supply only (--supply random; default 1300, the Turin testbed of seed 002)", 1, 1e9, "bit/s");
        var prefill = CliOptions.Long("--prefill-bits", "Key bits delivered to every link at start (default 16384)", 0, 1L << 34);
        var json = CliOptions.Json();
        var cmd = new Command("dev", "Start a development KME network on loopback with simulated QKD links; writes DIR/dev.json") { dir, kmes, supplyKind, preset, blockSeconds, distance, seed, rate, prefill, json };
        cmd.SetAction(async (parse, ct) =>
        {
            InlineSocketIo.PreferForProcess();
            var bb84 = (parse.GetValue(supplyKind) ?? "bb84") == "bb84";
            if (bb84 && parse.GetValue(rate) is not null)
            {
                throw new UsageException("--rate applies only to --supply random; the bb84 supply runs at the simulated link's own secret key rate.");
            }
            if (!bb84 && (parse.GetValue(preset) is not null || parse.GetValue(blockSeconds) is not null || parse.GetValue(distance) is not null))
            {
                throw new UsageException("--preset, --block-seconds and --distance-km apply only to --supply bb84.");
            }
            var chosen = new DistilledLinkOptions { Preset = parse.GetValue(preset) ?? "turin", DistanceKm = parse.GetValue(distance) };
            var link = (chosen with { BlockSeconds = parse.GetValue(blockSeconds) ?? DistilledLinkOptions.ChosenBlockSeconds(chosen) }).Validated();
            var options = new DevNetworkOptions
            {
                Supply = bb84 ? KeySupplyKind.Bb84 : KeySupplyKind.Random,
                Bb84 = link,
                SupplySeed = parse.GetValue(seed) ?? (ulong)Random.Shared.NextInt64(),
                Directory = parse.GetValue(dir)!,
                Kmes = int.Parse(parse.GetValue(kmes) ?? "2", System.Globalization.CultureInfo.InvariantCulture),
                RateBitsPerSecond = parse.GetValue(rate) ?? SimulatedKeySupply.TurinTestbedRateBitsPerSecond,
                PrefillBits = parse.GetValue(prefill) ?? 256 * 64,
            };
            await using var net = await DevNetwork.StartAsync(options, b => b.AddFilter("Microsoft", LogLevel.Warning).AddFilter("Qkd.Kms.Audit", LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true), ct: ct);
            var output = parse.InvocationConfiguration.Output;
            var first = net.Links[0].Supply is DistilledKeySupply distilled ? await distilled.FirstBlockComputed.WaitAsync(ct) : null;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new
                {
                    devJson = net.DevJsonPath, net.Info.Ca, net.Info.Kmes, net.Info.Saes,
                    supply = bb84 ? "bb84" : "random",
                    rateBitsPerSecond = first?.SecretKeyRateBps ?? options.RateBitsPerSecond,
                    preset = bb84 ? link.Preset : null, blockSeconds = bb84 ? link.BlockSeconds : (double?)null, seed = bb84 ? options.SupplySeed : (ulong?)null,
                    firstBlock = first,
                });
            }
            else
            {
                output.WriteLine($"Development KME network ready; described in {net.DevJsonPath}");
                foreach (var k in net.Info.Kmes)
                {
                    output.WriteLine($"  {k.Id}  {k.Url}");
                }
                var a = net.Info.Saes[0];
                var b = net.Info.Saes[^1];
                output.WriteLine(first is null
                    ? $"Links fed by random blocks at {options.RateBitsPerSecond} bit/s each (--supply random)."
                    : $"Links fed by the simulated BB84 chain: preset {link.Preset}, {link.BlockSeconds} s blocks, seed {options.SupplySeed}; block 0 of {net.Links[0].Id}: "
                        + $"{first.SiftedBits} sifted -> {first.SecretBits} secret bits ({first.Outcome}) = {first.SecretKeyRateBps:F1} bit/s "
                        + $"(analytic {first.AnalyticModel}: {first.AnalyticSecretKeyRateBps:F1} bit/s); each block is released when its link time has passed.");
                output.WriteLine($"Pools prefilled with {options.PrefillBits} random bits per link. Try:");
                output.WriteLine($"  curl --cacert {net.Info.Ca} --cert {a.Cert} --key {a.Key} {net.Info.Kmes[0].Url}/api/v1/keys/{b.Id}/enc_keys");
                output.WriteLine("Ctrl-C stops the network.");
            }
            output.Flush();
            await ShutdownSignal.WaitAsync(ct);
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
