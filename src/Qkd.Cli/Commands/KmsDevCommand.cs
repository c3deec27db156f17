using System.CommandLine;
using Microsoft.Extensions.Logging;
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
        var rate = CliOptions.Double("--rate", "Simulated QKD link secret-key rate (default 1300, the Turin testbed of seed 002)", 1, 1e9, "bit/s");
        var prefill = CliOptions.Long("--prefill-bits", "Key bits delivered to every link at start (default 16384)", 0, 1L << 34);
        var json = CliOptions.Json();
        var cmd = new Command("dev", "Start a development KME network on loopback with simulated QKD links; writes DIR/dev.json") { dir, kmes, rate, prefill, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = new DevNetworkOptions
            {
                Directory = parse.GetValue(dir)!,
                Kmes = int.Parse(parse.GetValue(kmes) ?? "2", System.Globalization.CultureInfo.InvariantCulture),
                RateBitsPerSecond = parse.GetValue(rate) ?? SimulatedKeySupply.TurinTestbedRateBitsPerSecond,
                PrefillBits = parse.GetValue(prefill) ?? 256 * 64,
            };
            await using var net = await DevNetwork.StartAsync(options, b => b.AddFilter("Microsoft", LogLevel.Warning).AddFilter("Qkd.Kms.Audit", LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true), ct: ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new { devJson = net.DevJsonPath, net.Info.Ca, net.Info.Kmes, net.Info.Saes, rateBitsPerSecond = options.RateBitsPerSecond });
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
                output.WriteLine($"Simulated links at {options.RateBitsPerSecond} bit/s each. Try:");
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
