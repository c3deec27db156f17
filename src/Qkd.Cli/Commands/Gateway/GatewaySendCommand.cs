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
    public static Command Create()
    {
        var dev = GatewayCommand.Dev();
        var broker = GatewayCommand.Broker();
        var sae = new Option<string?>("--sae") { Description = "This gateway's (master) SAE ID (default SAE_A)" };
        var to = new Option<string?>("--to") { Description = "The receiving (slave) SAE ID (default SAE_B)" };
        var mode = CliOptions.Choice("--mode", "Sealing mode (default aes-gcm)", "aes-gcm", "otp", "hybrid");
        var device = new Option<string?>("--device") { Description = "Device ID of the simulated power monitor (default pac4200-1)" };
        var duration = CliOptions.Double("--duration-s", "Stop after this long (default: until Ctrl-C)", 0.1, 1e7, "s");
        var refresh = CliOptions.Double("--refresh-s", "AES-GCM/hybrid key lifetime (default 30, seed 002)", 0.1, 86400, "s");
        var seed = CliOptions.Seed();
        var mlkem = GatewayCommand.MlKemKey();
        var json = CliOptions.Json();
        var cmd = new Command("send", "Seal a simulated 10 Hz power monitor with QKD keys from the KME and publish over MQTT")
        {
            dev, broker, sae, to, mode, device, duration, refresh, seed, mlkem, json,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var devPath = parse.GetValue(dev)!;
            var file = DevNetworkFile.Load(devPath);
            var me = parse.GetValue(sae) ?? "SAE_A";
            var peer = parse.GetValue(to) ?? "SAE_B";
            var sealingMode = DemoSettings.ModeOf(parse.GetValue(mode) ?? "aes-gcm");
            var address = BrokerAddress.Parse(parse.GetValue(broker) ?? "mqtt://127.0.0.1:1883");
            byte[]? ek = null;
            if (sealingMode == SealingMode.Hybrid)
            {
                var path = parse.GetValue(mlkem) ?? GatewayCommand.DefaultMlKemPath(devPath, peer);
                ek = File.ReadAllBytes(path);
            }
            using var kme = new EtsiKeyClient(file.Credentials(me));
            await using var bridge = await MqttBridge.ConnectAsync(address, "gateway-" + me + "-" + Guid.NewGuid().ToString("N")[..6], ct);
            using var sealer = new MessageSealer(sealingMode, me, parse.GetValue(device) ?? "pac4200-1",
                new KeyRefreshPolicy(TimeSpan.FromSeconds(parse.GetValue(refresh) ?? 30), long.MaxValue), ek);
            var gateway = new MasterGateway(kme, peer, sealer, bridge.PublishAsync);
            using var stopSensor = new CancellationTokenSource();
            using var stopGateway = new CancellationTokenSource();
            var seedValue = parse.GetValue(seed) ?? 1;
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine($"gateway send: {me} -> {peer} via {address}, mode {DemoSettings.NameOf(sealingMode)}; Ctrl-C stops");
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
                samples = s.Submitted, messagesSent = s.Sent, messagesDropped = s.Dropped, messagesHeldAtEnd = s.Submitted - s.Sent - s.Dropped, keyRequestsRefused = s.KeyRefusals, kmeErrors = s.KmeErrors,
                keysConsumed = sealer.KeysInstalled, keyBitsConsumed = sealer.KeyBitsInstalled, plaintextBytes = s.PlaintextBytes, bytesOnWire = s.SealedBytes,
            };
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, result);
            }
            else
            {
                o.WriteLine($"sent {s.Sent} of {s.Submitted} samples sealed ({DemoSettings.NameOf(sealingMode)}), dropped {s.Dropped}, key refusals {s.KeyRefusals}, keys {sealer.KeysInstalled} ({sealer.KeyBitsInstalled} bits)");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
