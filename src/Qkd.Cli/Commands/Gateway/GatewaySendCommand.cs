using System.CommandLine;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Pipeline;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Sensors;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>`qkd gateway send`: a simulated power monitor behind a master gateway, publishing sealed messages.</summary>
public static class GatewaySendCommand
{
    // Long because it declares every option with its range and help text; parsing and rendering stay in one place per command.
    public static Command Create()
    {
        var dev = GatewayCommand.Dev();
        var broker = GatewayCommand.Broker();
        var sae = new Option<string?>("--sae") { Description = "This gateway's (master) SAE ID (default SAE_A)" };
        var to = new Option<string?>("--to") { Description = "The receiving (slave) SAE ID (default SAE_B)" };
        var mode = CliOptions.Choice("--mode", "Sealing mode (default aes-gcm)", DemoSettings.ModeNames);
        var device = new Option<string?>("--device") { Description = "Device ID of the simulated power monitor (default pac4200-1)" };
        var duration = CliOptions.Double("--duration-s", "Stop after this long (default: until Ctrl-C)", 0.1, 1e7, "s");
        var refresh = CliOptions.Double("--refresh-s", "AES-GCM/hybrid key lifetime (default 30, seed 002)", 0.1, 86400, "s");
        var seed = CliOptions.Seed();
        var mlkem = GatewayCommand.MlKemKey();
        var signingKey = new Option<string?>("--signing-key") { Description = "ML-DSA-65 seed of this sender (hybrid; default {sae}.mldsa next to dev.json, made by `qkd gateway keygen`)" };
        var spool = GatewayCommand.Spool();
        var outbox = CliOptions.Long("--outbox", "Sealed messages held while the broker is away (default 1024)", 1, 10_000_000);
        var queue = CliOptions.Long("--queue", "Plaintext samples held while no key is available (default 256)", 1, 10_000_000);
        var edgeAck = GatewayCommand.EdgeAck();
        var mqtt = GatewayCommand.MqttOptions.Create();
        var json = CliOptions.Json();
        var cmd = new Command("send", "Seal a simulated 10 Hz power monitor with QKD keys from the KME and publish over MQTT")
        {
            dev, broker, sae, to, mode, device, duration, refresh, seed, mlkem, signingKey, spool, outbox, queue, edgeAck, json,
        };
        foreach (var o in mqtt.All)
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(async (parse, ct) =>
        {
            var devPath = parse.GetValue(dev)!;
            var file = DevNetworkFile.Load(devPath);
            var me = parse.GetValue(sae) ?? "SAE_A";
            var peer = parse.GetValue(to) ?? "SAE_B";
            var sealingMode = DemoSettings.ModeOf(parse.GetValue(mode) ?? "aes-gcm");
            var address = BrokerAddress.Parse(parse.GetValue(broker) ?? "mqtt://127.0.0.1:1883");
            var security = mqtt.Read(parse, address);
            byte[]? ek = null;
            MlDsa65? signer = null;
            if (sealingMode == SealingMode.Hybrid)
            {
                var path = parse.GetValue(mlkem) ?? GatewayCommand.DefaultMlKemPath(devPath, peer);
                ek = File.ReadAllBytes(path);
                signer = SigningKeyFiles.LoadSigner(parse.GetValue(signingKey) ?? GatewayCommand.DefaultSigningKeyPath(devPath, me));
            }
            var deviceId = parse.GetValue(device) ?? "pac4200-1";
            var box = new SealedOutbox((int)(parse.GetValue(outbox) ?? 1024), parse.GetValue(spool));
            using var kme = new EtsiKeyClient(file.Credentials(me));
            // A stable client ID: the broker keeps this gateway's session across reconnections.
            await using var bridge = await MqttBridge.ConnectAsync(address, $"gateway-{me}-{deviceId}", security, ct: ct);
            var acks = GatewayCommand.EdgeAckOn(parse, edgeAck);
            if (acks)
            {
                await bridge.SubscribeAsync(EdgeAck.FilterOf(me), ct);
            }
            using var sealer = new MessageSealer(sealingMode, me, deviceId,
                new KeyRefreshPolicy(TimeSpan.FromSeconds(parse.GetValue(refresh) ?? 30), long.MaxValue), ek, signer: signer);
            var gateway = new MasterGateway(kme, peer, sealer, bridge.PublishAsync, (int)(parse.GetValue(queue) ?? 256), outbox: box,
                acknowledgements: acks ? bridge.Received : null);
            using var stopSensor = new CancellationTokenSource();
            using var stopGateway = new CancellationTokenSource();
            var seedValue = parse.GetValue(seed) ?? 1;
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine($"gateway send: {me} -> {peer} via {address}, mode {DemoSettings.NameOf(sealingMode)}{(box.Recovered > 0 ? $", {box.Recovered} spooled messages first" : "")}; Ctrl-C stops");
            var loop = gateway.RunAsync(stopGateway.Token);
            var sensor = SensorDriver.RunAsync(new PowerMonitorSimulator(seedValue, 0), gateway.Submit, TimeProvider.System, stopSensor.Token);
            await GatewayCommand.RunForAsync(parse.GetValue(duration), stopSensor, ct);
            await sensor;
            // Held messages still go out (sealed) if a key arrives within the grace period; then the rest are counted as held.
            gateway.Complete();
            await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            await stopGateway.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
            var s = gateway.Stats;
            var result = new
            {
                sae = me, to = peer, mode = DemoSettings.NameOf(sealingMode), seed = seedValue, broker = address.ToString(),
                samples = s.Submitted, messagesSent = s.Sent, messagesDropped = s.Dropped, messagesHeldAtEnd = s.Submitted - s.Sealed - s.Dropped, keyRequestsRefused = s.KeyRefusals, kmeErrors = s.KmeErrors,
                messagesSpooledAtEnd = box.Count, messagesRecoveredFromSpool = box.Recovered, brokerReconnects = bridge.Reconnects,
                edgeAcks = acks, messagesAcknowledged = s.Acknowledged, messagesRetransmitted = s.Retransmitted, messagesGivenUp = s.GivenUp, forgedAcks = s.ForgedAcks,
                keysConsumed = sealer.KeysInstalled, keyBitsConsumed = sealer.KeyBitsInstalled, plaintextBytes = s.PlaintextBytes, bytesOnWire = s.SealedBytes,
            };
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, result);
            }
            else
            {
                o.WriteLine($"sent {s.Sent} of {s.Submitted} samples sealed ({DemoSettings.NameOf(sealingMode)}), dropped {s.Dropped}, key refusals {s.KeyRefusals}, keys {sealer.KeysInstalled} ({sealer.KeyBitsInstalled} bits)"
                    + (acks ? $"; acknowledged by the edge {s.Acknowledged}, published again {s.Retransmitted}, still held {box.Count}" : ""));
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
