using System.CommandLine;

namespace Qkd.Cli;

/// <summary>Every top-level command of `qkd`, one line each (each lives in Commands/).</summary>
public static class CommandCatalog
{
    /// <summary>The commands, in the order `qkd --help` lists them.</summary>
    public static IEnumerable<Command> All()
    {
        yield return Commands.InfoCommand.Create();
        yield return Commands.KeyrateCommand.Create();
        yield return Commands.SimulateCommand.Create();
        yield return Commands.SweepCommand.Create();
        yield return Commands.ReproduceCommand.Create();
        yield return Commands.PlanCommand.Create();
        yield return Commands.Network.NetworkCommand.Create();
        yield return Commands.Quantum.TeleportCommand.Create();
        yield return Commands.Quantum.E91Command.Create();
        yield return Commands.Quantum.DecoyCheckCommand.Create();
        yield return Commands.Quantum.QrngCommand.Create();
        yield return Commands.KmsCommand.Create();
        yield return Commands.CertsCommand.Create();
        yield return Commands.PostprocessCommand.Create();
        yield return Commands.Gateway.DemoCommand.Create();
        yield return Commands.Gateway.GatewayCommand.Create();
        yield return Commands.Tunnel.TunnelCommand.Create();
    }
}
