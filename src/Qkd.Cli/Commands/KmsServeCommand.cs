using System.CommandLine;
using Qkd.Kms;
using Qkd.Kms.Config;

namespace Qkd.Cli.Commands;

/// <summary>`qkd kms serve --config FILE`: one KME in the foreground until Ctrl-C or SIGTERM.</summary>
public static class KmsServeCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "KME config file (JSON, docs/kms.md)", Required = true };
        var insecure = new Option<bool>("--insecure-dev-store")
        {
            Description = "Store key material unwrapped (no keyWrapKey in the config); development only, docs/kms.md \"Keys at rest\"",
        };
        var json = CliOptions.Json();
        var cmd = new Command("serve", "Start one KME from a config file and serve until Ctrl-C") { config, insecure, json };
        cmd.SetAction(async (parse, ct) =>
        {
            InlineSocketIo.PreferForProcess();
            var path = parse.GetValue(config)!;
            if (!File.Exists(path))
            {
                throw new UsageException($"--config file '{path}' does not exist.");
            }
            var cfg = KmsConfig.Load(path);
            if (cfg.KeyWrapKey is null && !parse.GetValue(insecure))
            {
                throw new UsageException($"--config '{path}' has no keyWrapKey: key material would be stored unwrapped. Add a keyWrapKey (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or give --insecure-dev-store for a development KME.");
            }
            await using var host = await KmsHost.StartAsync(cfg, ct: ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new { kmeId = cfg.KmeId, url = host.Url.ToString().TrimEnd('/') });
            }
            else
            {
                output.WriteLine($"KME {cfg.KmeId} serving ETSI GS QKD 014 on {host.Url} (store {cfg.Store.Kind}); Ctrl-C stops it.");
            }
            output.Flush();
            await ShutdownSignal.WaitAsync(ct);
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
