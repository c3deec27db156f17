using System.CommandLine;

namespace Qkd.Cli.Commands.Tunnel;

/// <summary>`qkd tunnel listen|connect|bench`: any TCP traffic through TLS 1.3 keyed by QKD keys over ETSI 014 (docs/tunnel.md).</summary>
public static class TunnelCommand
{
    public static Command Create()
    {
        var cmd = new Command("tunnel", "TLS 1.3 external-PSK tunnel for any TCP traffic, keyed by QKD keys over ETSI 014 (docs/tunnel.md)");
        cmd.Subcommands.Add(TunnelEndCommand.Create(TunnelRole.Listen));
        cmd.Subcommands.Add(TunnelEndCommand.Create(TunnelRole.Connect));
        cmd.Subcommands.Add(TunnelBenchCommand.Create());
        return cmd;
    }
}

/// <summary>Which end of the tunnel a command runs.</summary>
public enum TunnelRole
{
    /// <summary>The edge: slave SAE, TLS server, forwards to a local service.</summary>
    Listen,

    /// <summary>The plant: master SAE, accepts local TCP connections, TLS client towards the edge.</summary>
    Connect,
}
