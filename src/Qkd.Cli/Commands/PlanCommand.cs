using System.CommandLine;
using System.Globalization;
using Qkd.Cli.Planning;
using Qkd.Planning;

namespace Qkd.Cli.Commands;

/// <summary>`qkd plan FILE`: loss budget, QBER, key rate, demand and cost of every link of every architecture in a plan.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Plan file (.json, .yaml or .yml); see docs/plan-format.md and scenarios/plans/" };
        var json = CliOptions.Json();
        var cmd = new Command("plan", "Evaluate a deployment plan: per-link loss budget, QBER, key rate, key demand, and total cost per architecture") { file, json };
        cmd.SetAction(parse =>
        {
            var plan = PlanFile.Load(parse.GetValue(file)!);
            var assessment = PlanEvaluator.Evaluate(plan);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, assessment);
            }
            else
            {
                Render(output, assessment);
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static void Render(TextWriter o, PlanAssessment p)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"plan {p.Plan} (model {p.Model})");
        foreach (var a in p.Architectures)
        {
            o.WriteLine();
            o.WriteLine($"== {a.Name}: {a.Description}");
            o.WriteLine(string.Create(c, $"{"fibre",-12} {"tx",-12} {"rx",-12} {"loss dB",8} {"(wdm",5} {"sw)",4} {"noise/pulse",11} {"QBER %",7} {"share",6} {"key bit/s",10} {"AES keys/s",10} {"demand/s",9} {"met",4} {"max dBm",8}"));
            foreach (var l in a.Links)
            {
                var maxDbm = double.IsPositiveInfinity(l.MaxClassicalLaunchDbm) ? "-" : double.IsNaN(l.MaxClassicalLaunchDbm) ? "none" : l.MaxClassicalLaunchDbm.ToString("F1", c);
                o.WriteLine(string.Create(c, $"{l.FibreId,-12} {l.TransmitterId,-12} {l.ReceiverId,-12} {l.TotalLossDb,8:F2} {l.WdmLossDb,5:F1} {l.SwitchLossDb,4:F1} {l.NoiseCountPerPulse,11:E2} {l.Qber * 100,7:F2} {l.TimeShare,6:F3} {l.SecretKeyRateBps,10:G4} {l.Aes256KeysPerSecond,10:F2} {l.DemandKeysPerSecond,9:F2} {(l.DemandMet ? "yes" : "NO"),4} {maxDbm,8}"));
            }
            o.WriteLine(string.Create(c, $"devices: {a.Transmitters} transmitters, {a.Receivers} receivers, {a.SwitchPorts} switch ports; cost {a.TotalCost:N0} {p.Currency}; capacity {a.TotalAes256KeysPerSecond:F1} AES-256 keys/s ({a.CostPerKeyPerSecond:N0} {p.Currency} per key/s); demand met on {a.LinksMeetingDemand}/{a.Links.Length} links"));
        }
    }
}
