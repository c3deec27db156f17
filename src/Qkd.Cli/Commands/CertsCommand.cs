using System.CommandLine;
using Qkd.Kms.Tls;

namespace Qkd.Cli.Commands;

/// <summary>`qkd certs init`: a development CA with KME, SAE and QKD-link-device certificates as PEM.</summary>
public static class CertsCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "Output folder", Required = true };
        var kme = new Option<string[]>("--kme") { Description = "KME ID (server+client certificate, SAN 127.0.0.1 and localhost); repeat", Arity = ArgumentArity.OneOrMore };
        var sae = new Option<string[]>("--sae") { Description = "SAE ID (client certificate, CN = SAE ID); repeat", Arity = ArgumentArity.ZeroOrMore };
        var link = new Option<string[]>("--link") { Description = "QKD link device name (client certificate for the key-supply path); repeat", Arity = ArgumentArity.ZeroOrMore };
        var days = CliOptions.Long("--days", "Validity (default 825)", 1, 3650);
        var force = new Option<bool>("--force") { Description = "Replace existing certificate and key files in --out (without it, an existing file is an error)" };
        var json = CliOptions.Json();
        var init = new Command("init", "Create a development CA and PEM certificates for KMEs, SAEs and link devices") { outDir, kme, sae, link, days, force, json };
        init.SetAction(parse =>
        {
            var kmes = parse.GetValue(kme) ?? [];
            if (kmes.Length == 0)
            {
                throw new UsageException("--kme must be given at least once (e.g. --kme KME_A --kme KME_B).");
            }
            var dir = parse.GetValue(outDir)!;
            var names = kmes.Concat(parse.GetValue(sae) ?? []).Concat(parse.GetValue(link) ?? []).ToList();
            if (!parse.GetValue(force) && Directory.Exists(dir) && DevCertificates.PlannedPaths(dir, names).FirstOrDefault(File.Exists) is { } existing)
            {
                throw new UsageException($"--out: '{existing}' exists; give --force to replace the certificates and keys in '{dir}'.");
            }
            var result = DevCertificates.Create(dir, kmes, parse.GetValue(sae) ?? [], parse.GetValue(link) ?? [],
                DateTimeOffset.UtcNow, (int)(parse.GetValue(days) ?? 825), parse.GetValue(force));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, result);
            }
            else
            {
                output.WriteLine($"CA          {result.CaCertPath} (key {result.CaKeyPath})");
                foreach (var i in result.Kmes.Concat(result.Saes).Concat(result.Links))
                {
                    output.WriteLine($"{i.Name,-11} {i.CertPath} (key {i.KeyPath})");
                }
            }
            return ExitCodes.Ok;
        });
        var cmd = new Command("certs", "Development certificates for the KMS (mutual TLS)");
        cmd.Subcommands.Add(init);
        return cmd;
    }
}
