using System.CommandLine;
using Qkd.Gateway.Edge;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Pipeline;
using Qkd.Gateway.Sealing;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>`qkd gateway receive`: the slave gateway, decrypting every sealed stream into the edge store.</summary>
public static class GatewayReceiveCommand
{
    // Long because it declares every option with its range and help text; parsing and rendering stay in one place per command.
    public static Command Create()
    {
        var dev = GatewayCommand.Dev();
        var broker = GatewayCommand.Broker();
        var sae = new Option<string?>("--sae") { Description = "This gateway's (slave) SAE ID (default SAE_B)" };
        var store = new Option<string?>("--store") { Description = "SQLite edge store file (default edge.db)" };
        var duration = CliOptions.Double("--duration-s", "Stop after this long (default: until Ctrl-C)", 0.1, 1e7, "s");
        var mlkem = GatewayCommand.MlKemKey();
        var from = new Option<string[]>("--from") { Description = "Sender SAE IDs accepted (default SAE_A); messages of any other sender are refused", AllowMultipleArgumentsPerToken = true };
        var mode = CliOptions.Choice("--mode", "Sealing mode pinned for these senders; other modes are refused (default aes-gcm)", DemoSettings.ModeNames);
        var senderKeys = new Option<string?>("--sender-keys") { Description = "Directory with each hybrid sender's ML-DSA-65 public key {sae}.mldsa.pub (default: next to dev.json)" };
        var queue = CliOptions.Long("--queue", "Received messages held before processing; beyond, they are counted as overflow (default 100000)", 1, 10_000_000);
        var fetchBurst = CliOptions.Long("--key-fetch-burst", "dec_keys calls for unknown key IDs allowed at once per sender (default 64)", 1, 100_000);
        var fetchRate = CliOptions.Double("--key-fetch-rate", "dec_keys calls for unknown key IDs per second per sender (default 8)", 0.001, 10_000, "1/s");
        var edgeAck = GatewayCommand.EdgeAck();
        var mqtt = GatewayCommand.MqttOptions.Create();
        var json = CliOptions.Json();
        var cmd = new Command("receive", "Subscribe to sealed streams, fetch keys by ID from the KME, decrypt into the edge store")
        {
            dev, broker, sae, store, duration, mlkem, from, mode, senderKeys, queue, fetchBurst, fetchRate, edgeAck, json,
        };
        foreach (var o in mqtt.All)
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(async (parse, ct) =>
        {
            var devPath = parse.GetValue(dev)!;
            var file = DevNetworkFile.Load(devPath);
            var me = parse.GetValue(sae) ?? "SAE_B";
            var address = BrokerAddress.Parse(parse.GetValue(broker) ?? "mqtt://127.0.0.1:1883");
            var security = mqtt.Read(parse, address);
            var senders = parse.GetValue(from) is { Length: > 0 } f ? f : ["SAE_A"];
            var pinned = DemoSettings.ModeOf(parse.GetValue(mode) ?? "aes-gcm");
            var keyDir = parse.GetValue(senderKeys) ?? Path.GetDirectoryName(Path.GetFullPath(devPath))!;
            var policy = new ReceiverPolicy(senders.Select(x => new SenderTrust(x, pinned,
                pinned == SealingMode.Hybrid ? SigningKeyFiles.LoadPublicKey(Path.Combine(keyDir, x.ToLowerInvariant() + ".mldsa.pub")) : null)));
            var limiter = new KeyFetchLimiter((int)(parse.GetValue(fetchBurst) ?? 64), parse.GetValue(fetchRate) ?? 8);
            var kem = MlKem768.Generate();
            var ekPath = parse.GetValue(mlkem) ?? GatewayCommand.DefaultMlKemPath(devPath, me);
            await File.WriteAllBytesAsync(ekPath, kem.EncapsulationKey, ct);
            using var kme = new EtsiKeyClient(file.Credentials(me));
            using var edge = new EdgeStore(parse.GetValue(store) ?? "edge.db");
            using var opener = new MessageOpener(policy, kem);
            var acks = GatewayCommand.EdgeAckOn(parse, edgeAck);
            var slave = new SlaveGateway(kme, opener, edge, limiter: limiter, acknowledge: acks);
            // A stable client ID and a persistent session: messages published while this gateway is away wait at the broker.
            await using var bridge = await MqttBridge.ConnectAsync(address, "edge-gateway-" + me, security, (int)(parse.GetValue(queue) ?? 100_000), ct: ct);
            foreach (var sender in senders)
            {
                await bridge.SubscribeAsync($"qkd/sealed/{sender}/#", ct);
            }
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine($"gateway receive: {me} on {address}, edge store {edge.Path}, ML-KEM-768 encapsulation key in {ekPath}; Ctrl-C stops");
            using var stop = new CancellationTokenSource();
            var loop = slave.RunAsync(bridge, stop.Token);
            await GatewayCommand.RunForAsync(parse.GetValue(duration), stop, ct);
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
            var s = slave.Stats;
            var latencies = s.LatenciesMs.Order().ToArray();
            var result = new
            {
                sae = me, broker = address.ToString(), store = edge.Path, messagesReceived = s.Received, messagesDecrypted = s.Decrypted, messagesStored = s.Stored,
                failures = s.Rejected.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), keysFetched = s.KeysFetched,
                receiveQueueOverflows = bridge.ReceiveOverflows, kmeRetries = s.KmeRetries, brokerReconnects = bridge.Reconnects,
                edgeAcks = acks, duplicates = s.Duplicates, acksSent = s.AcksSent,
                latencyP50Ms = Qkd.Testbed.Testbed.Percentile(latencies, 0.5), latencyP99Ms = Qkd.Testbed.Testbed.Percentile(latencies, 0.99),
            };
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, result);
            }
            else
            {
                o.WriteLine($"received {s.Received}, decrypted {s.Decrypted}, stored {s.Stored} in {edge.Path}; duplicates {s.Duplicates}; rejected {s.Rejected.Values.Sum()}; keys fetched {s.KeysFetched}; receive queue overflows {bridge.ReceiveOverflows}");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
