using System.CommandLine;

namespace Qkd.Cli.Commands;

/// <summary>`qkd kms`: run key management entities (ETSI GS QKD 014 over mutual TLS).</summary>
public static class KmsCommand
{
    public static Command Create()
    {
        var cmd = new Command("kms", "Key management entity: ETSI GS QKD 014 key delivery over mutual TLS (docs/kms.md)");
        cmd.Subcommands.Add(KmsServeCommand.Create());
        cmd.Subcommands.Add(KmsDevCommand.Create());
        cmd.Subcommands.Add(KmsLoadCommand.Create());
        return cmd;
    }
}
