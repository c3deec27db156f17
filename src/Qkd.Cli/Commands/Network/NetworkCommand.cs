using System.CommandLine;

namespace Qkd.Cli.Commands.Network;

/// <summary>`qkd network`: trusted-relay key networks (seed 003).</summary>
public static class NetworkCommand
{
    public static Command Create()
    {
        var cmd = new Command("network", "Simulate trusted-relay QKD key networks: key pools, shared key budgets, routing, allocation policies");
        cmd.Subcommands.Add(NetworkSimulateCommand.Create());
        cmd.Subcommands.Add(NetworkSweepCommand.Create());
        return cmd;
    }
}
