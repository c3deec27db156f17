using System.CommandLine;
using System.Globalization;
using Qkd.KeyRate;

namespace Qkd.Cli.Commands;

/// <summary>`qkd keyrate`: gain, QBER, secret key rate and maximum distance of one link at one distance.</summary>
public static class KeyrateCommand
{
    public static Command Create()
    {
        var link = new LinkOptions(modelRequired: true);
        var distance = CliOptions.Double("--distance-km", "Fibre length (default: the preset's)", 0, 1000, "km");
        var json = CliOptions.Json();
        var cmd = new Command("keyrate", "Key rate and QBER of one link at one distance (analytic models)");
        foreach (var o in link.All())
        {
            cmd.Options.Add(o);
        }
        cmd.Options.Add(distance);
        cmd.Options.Add(json);
        cmd.SetAction(parse =>
        {
            var description = link.BuildLink(parse, parse.GetValue(distance));
            var model = link.BuildModel(parse);
            var result = KeyRateAnalysis.Analyse(model, description, parse.GetValue(link.Mu));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, result);
            }
            else
            {
                Render(output, result);
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static void Render(TextWriter o, KeyRateResult r)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"model              {r.Model}"));
        o.WriteLine(string.Create(c, $"distance           {r.DistanceKm:G6} km (channel loss {r.ChannelLossDb:F2} dB)"));
        o.WriteLine(string.Create(c, $"mu                 {r.Mu:F4} photons/pulse{(r.MuOptimised ? " (optimised)" : "")}"));
        o.WriteLine(string.Create(c, $"gain               {r.Gain:E4} per pulse"));
        o.WriteLine(string.Create(c, $"QBER               {r.Qber * 100:F3} %"));
        o.WriteLine(string.Create(c, $"key rate           {r.KeyRatePerPulse:E4} bit/pulse"));
        o.WriteLine(string.Create(c, $"dead-time factor   {r.DeadTimeFactor:F4}"));
        o.WriteLine(string.Create(c, $"secret key rate    {r.SecretKeyRateBps:G5} bit/s"));
        o.WriteLine(string.Create(c, $"AES-256 keys       {r.Aes256KeysPerSecond:G5} per second"));
        o.WriteLine(string.Create(c, $"maximum distance   {r.MaxDistanceKm:F2} km"));
    }
}
