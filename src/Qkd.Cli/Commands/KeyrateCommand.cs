using System.CommandLine;
using System.Globalization;
using Qkd.KeyRate.Analysis;
using Qkd.Physics;

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
            var wdm = link.BuildWdm(parse);
            double? maxDbm = null;
            if (wdm is { } w)
            {
                maxDbm = w.Channels.Length > 0 ? WdmLink.MaxTolerableLaunchPowerDbm(model, description, w.Wdm, w.Channels) : null;
                description = WdmLink.Apply(description, w.Wdm, w.Channels);
            }
            var result = KeyRateAnalysis.Analyse(model, description, parse.GetValue(link.Mu));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new KeyrateOutput(result, description.NoiseCountProbability, maxDbm));
            }
            else
            {
                Render(output, result);
                if (wdm is not null)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"WDM noise          {description.NoiseCountProbability:E3} counts per pulse"));
                    if (maxDbm is { } m)
                    {
                        output.WriteLine(double.IsNaN(m)
                            ? "classical power    no key even at -40 dBm"
                            : string.Create(CultureInfo.InvariantCulture, $"classical power    key up to {m:F1} dBm launch per channel"));
                    }
                }
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>The --json object: every field of the result, plus the WDM noise and tolerable classical power.</summary>
    private sealed record KeyrateOutput(string Model, double DistanceKm, double ChannelLossDb, double Mu, bool MuOptimised, double Gain, double Qber,
        double KeyRatePerPulse, double DeadTimeFactor, double SecretKeyRateBps, double Aes256KeysPerSecond, double MaxDistanceKm,
        double NoiseCountPerPulse, double? MaxClassicalLaunchDbm)
    {
        public KeyrateOutput(KeyRateResult r, double noise, double? maxDbm)
            : this(r.Model, r.DistanceKm, r.ChannelLossDb, r.Mu, r.MuOptimised, r.Gain, r.Qber, r.KeyRatePerPulse, r.DeadTimeFactor,
                r.SecretKeyRateBps, r.Aes256KeysPerSecond, r.MaxDistanceKm, noise, maxDbm)
        {
        }
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
