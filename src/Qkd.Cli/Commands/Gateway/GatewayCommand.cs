using System.CommandLine;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>`qkd gateway send|receive`: the encryption gateways against `qkd kms dev` and any MQTT broker (docs/gateway.md).</summary>
public static class GatewayCommand
{
    public static Command Create()
    {
        var cmd = new Command("gateway", "QKD encryption gateways: seal sensor data with ETSI 014 keys over MQTT (docs/gateway.md)");
        cmd.Subcommands.Add(GatewaySendCommand.Create());
        cmd.Subcommands.Add(GatewayReceiveCommand.Create());
        return cmd;
    }

    /// <summary>Runs until <paramref name="durationSeconds"/> (when given), Ctrl-C/SIGTERM, or <paramref name="ct"/>.</summary>
    internal static async Task RunForAsync(double? durationSeconds, CancellationTokenSource stop, CancellationToken ct)
    {
        var wait = ShutdownSignal.WaitAsync(ct);
        if (durationSeconds is { } d)
        {
            await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(d), ct));
        }
        else
        {
            await wait;
        }
        await stop.CancelAsync();
    }

    internal static Option<string> Dev() => new("--dev") { Description = "dev.json written by `qkd kms dev --dir DIR`", Required = true };

    internal static Option<string?> Broker() => new("--broker") { Description = "MQTT broker, mqtt://host:port (default mqtt://127.0.0.1:1883)" };

    internal static Option<string?> MlKemKey() => new("--mlkem-ek") { Description = "File with the receiver's ML-KEM-768 encapsulation key (hybrid; default next to dev.json)" };

    internal static string DefaultMlKemPath(string devJson, string slaveSae) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(devJson))!, slaveSae.ToLowerInvariant() + ".mlkem-ek");
}
