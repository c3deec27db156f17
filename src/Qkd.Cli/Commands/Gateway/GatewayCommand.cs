using System.CommandLine;
using Qkd.Gateway.Mqtt;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>`qkd gateway send|receive`: the encryption gateways against `qkd kms dev` and any MQTT broker (docs/gateway.md).</summary>
public static class GatewayCommand
{
    public static Command Create()
    {
        var cmd = new Command("gateway", "QKD encryption gateways: seal sensor data with ETSI 014 keys over MQTT (docs/gateway.md)");
        cmd.Subcommands.Add(GatewaySendCommand.Create());
        cmd.Subcommands.Add(GatewayReceiveCommand.Create());
        cmd.Subcommands.Add(GatewayKeygenCommand.Create());
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

    internal static Option<string?> Broker() => new("--broker") { Description = "MQTT broker, mqtt://host:port or mqtts://host:port (TLS; default mqtt://127.0.0.1:1883)" };

    /// <summary>The MQTT security options: CA of the broker, client certificate and key, user name and a password file.</summary>
    internal sealed record MqttOptions(Option<string?> Ca, Option<string?> Cert, Option<string?> Key, Option<string?> User, Option<string?> PasswordFile)
    {
        public static MqttOptions Create() => new(
            new("--mqtt-ca") { Description = "PEM CA that issued the broker's certificate (required with mqtts://)" },
            new("--mqtt-cert") { Description = "PEM client certificate presented to the broker" },
            new("--mqtt-key") { Description = "PEM private key of --mqtt-cert" },
            new("--mqtt-user") { Description = "MQTT user name" },
            new("--mqtt-password-file") { Description = "File holding the MQTT password (not on the command line, where ps shows it)" });

        public IEnumerable<Option> All => [Ca, Cert, Key, User, PasswordFile];

        public MqttSecurity? Read(ParseResult parse, BrokerAddress broker)
        {
            var ca = parse.GetValue(Ca);
            var cert = parse.GetValue(Cert);
            var key = parse.GetValue(Key);
            var user = parse.GetValue(User);
            var passwordFile = parse.GetValue(PasswordFile);
            if ((cert is null) != (key is null))
            {
                throw new ArgumentException("--mqtt-cert and --mqtt-key go together: give both or neither.");
            }
            if (broker.UseTls && ca is null)
            {
                throw new ArgumentException($"--broker {broker} uses TLS: give --mqtt-ca, the CA that issued the broker's certificate.");
            }
            if (!broker.UseTls && (ca is not null || cert is not null))
            {
                throw new ArgumentException($"--mqtt-ca and --mqtt-cert need a TLS broker (mqtts://...), but --broker was {broker}.");
            }
            if (passwordFile is not null && user is null)
            {
                throw new ArgumentException("--mqtt-password-file needs --mqtt-user.");
            }
            var password = passwordFile is null ? null : File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
            return ca is null && user is null ? null : new MqttSecurity(ca, cert, key, user, password);
        }
    }

    /// <summary>--edge-ack on|off: the receiver acknowledges stored messages and the sender keeps each until then (docs/gateway.md).</summary>
    internal static Option<string?> EdgeAck() => CliOptions.Choice("--edge-ack",
        "Edge acknowledgements on qkd/ack/{sender}/{device}: the sender keeps each sealed message until the receiver has stored it (default on; both ends must agree)", "on", "off");

    internal static bool EdgeAckOn(ParseResult parse, Option<string?> option) => (parse.GetValue(option) ?? "on") == "on";

    internal static Option<string?> Spool() => new("--spool") { Description = "Directory where sealed messages wait for the broker, durable across restarts (default: in memory)" };

    /// <summary>Default path of an SAE's ML-DSA-65 seed (private) next to dev.json; the public key is this path + ".pub".</summary>
    internal static string DefaultSigningKeyPath(string devJson, string sae) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(devJson))!, sae.ToLowerInvariant() + ".mldsa");

    internal static Option<string?> MlKemKey() => new("--mlkem-ek") { Description = "File with the receiver's ML-KEM-768 encapsulation key (hybrid; default next to dev.json)" };

    internal static string DefaultMlKemPath(string devJson, string slaveSae) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(devJson))!, slaveSae.ToLowerInvariant() + ".mlkem-ek");
}
