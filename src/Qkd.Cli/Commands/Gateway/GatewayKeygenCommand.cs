using System.CommandLine;
using Qkd.Gateway.Sealing;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>`qkd gateway keygen`: the ML-DSA-65 signing key of a hybrid sender (seed file 0600, public key beside it).</summary>
public static class GatewayKeygenCommand
{
    public static Command Create()
    {
        var dev = GatewayCommand.Dev();
        var sae = new Option<string?>("--sae") { Description = "SAE ID of the sending gateway (default SAE_A)" };
        var output = new Option<string?>("--out") { Description = "Seed file to write (default {sae}.mldsa next to dev.json; public key in the same path + .pub)" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing key" };
        var json = CliOptions.Json();
        var cmd = new Command("keygen", "Create the ML-DSA-65 key a hybrid sender signs its ML-KEM encapsulations with (FIPS 204)") { dev, sae, output, force, json };
        cmd.SetAction(parse =>
        {
            var me = parse.GetValue(sae) ?? "SAE_A";
            var path = parse.GetValue(output) ?? GatewayCommand.DefaultSigningKeyPath(parse.GetValue(dev)!, me);
            var written = SigningKeyFiles.Create(path, parse.GetValue(force));
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, new { sae = me, signingKey = written.SeedPath, publicKey = written.PublicKeyPath });
            }
            else
            {
                o.WriteLine($"ML-DSA-65 key of {me}: seed {written.SeedPath} (mode 0600), public key {written.PublicKeyPath} (give it to the receiver)");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
