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
    public static Command Create()
    {
        var dev = GatewayCommand.Dev();
        var broker = GatewayCommand.Broker();
        var sae = new Option<string?>("--sae") { Description = "This gateway's (slave) SAE ID (default SAE_B)" };
        var store = new Option<string?>("--store") { Description = "SQLite edge store file (default edge.db)" };
        var duration = CliOptions.Double("--duration-s", "Stop after this long (default: until Ctrl-C)", 0.1, 1e7, "s");
        var mlkem = GatewayCommand.MlKemKey();
        var json = CliOptions.Json();
        var cmd = new Command("receive", "Subscribe to sealed streams, fetch keys by ID from the KME, decrypt into the edge store")
        {
            dev, broker, sae, store, duration, mlkem, json,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var devPath = parse.GetValue(dev)!;
            var file = DevNetworkFile.Load(devPath);
            var me = parse.GetValue(sae) ?? "SAE_B";
            var address = BrokerAddress.Parse(parse.GetValue(broker) ?? "mqtt://127.0.0.1:1883");
            var kem = MlKem768.Generate();
            var ekPath = parse.GetValue(mlkem) ?? GatewayCommand.DefaultMlKemPath(devPath, me);
            await File.WriteAllBytesAsync(ekPath, kem.EncapsulationKey, ct);
            using var kme = new EtsiKeyClient(file.Credentials(me));
            using var edge = new EdgeStore(parse.GetValue(store) ?? "edge.db");
            using var opener = new MessageOpener(kem);
            var slave = new SlaveGateway(kme, opener, edge);
            await using var bridge = await MqttBridge.ConnectAsync(address, "edge-gateway-" + me + "-" + Guid.NewGuid().ToString("N")[..6], ct);
            await bridge.SubscribeAsync(MqttBridge.AllSealedTopics, ct);
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
                latencyP50Ms = Qkd.Testbed.Testbed.Percentile(latencies, 0.5), latencyP99Ms = Qkd.Testbed.Testbed.Percentile(latencies, 0.99),
            };
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(o, result);
            }
            else
            {
                o.WriteLine($"received {s.Received}, decrypted {s.Decrypted}, stored {s.Stored} in {edge.Path}; rejected {s.Rejected.Values.Sum()}; keys fetched {s.KeysFetched}");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
