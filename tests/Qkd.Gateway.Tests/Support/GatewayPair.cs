using Microsoft.Extensions.Logging;
using Qkd.Gateway.Edge;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Pipeline;
using Qkd.Gateway.Sealing;

namespace Qkd.Gateway.Tests.Support;

/// <summary>A master gateway (SAE_A) and a slave gateway (SAE_B) wired through a testbed's KMEs and broker.</summary>
public sealed class GatewayPair : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _async = [];
    private readonly List<IDisposable> _owned = [];

    public required MasterGateway Master { get; init; }
    public required SlaveGateway Slave { get; init; }
    public required EdgeStore Store { get; init; }
    public required Task MasterLoop { get; init; }
    public required Task SlaveLoop { get; init; }

    public required MqttBridge Receiver { get; init; }
    public required MqttBridge Sender { get; init; }

    /// <summary>
    /// SAE_A seals pac4200-1 in <paramref name="mode"/> (hybrid epochs signed with a fresh ML-DSA-65 key); SAE_B accepts
    /// only SAE_A in that mode (pinned policy) and subscribes to SAE_A's streams only.
    /// </summary>
    public static async Task<GatewayPair> StartAsync(Testbed bed, SealingMode mode, int queueCapacity = 256, ILogger? logger = null, string? storePath = null,
        SealedOutbox? outbox = null, Func<string, MqttSecurity?>? security = null, KeyRefreshPolicy? refresh = null)
    {
        var stop = new CancellationTokenSource();
        var kem = mode == SealingMode.Hybrid ? MlKem768.Generate() : null;
        var signer = mode == SealingMode.Hybrid ? MlDsa65.Generate() : null;
        var store = new EdgeStore(storePath ?? Path.Combine(Path.GetTempPath(), "qkd-gw-edge-" + Guid.NewGuid().ToString("N")[..12] + ".db"));
        var opener = new MessageOpener(new ReceiverPolicy([new SenderTrust("SAE_A", mode, signer?.PublicKey)]), kem);
        var rxKme = bed.Client("SAE_B");
        var txKme = bed.Client("SAE_A");
        var slave = new SlaveGateway(rxKme, opener, store, logger: logger);
        var rx = await MqttBridge.ConnectAsync(bed.Broker, "test-rx-" + Guid.NewGuid().ToString("N")[..8], security?.Invoke("SAE_B"), logger: logger);
        await rx.SubscribeAsync("qkd/sealed/SAE_A/#");
        var tx = await MqttBridge.ConnectAsync(bed.Broker, "test-tx-" + Guid.NewGuid().ToString("N")[..8], security?.Invoke("SAE_A"), logger: logger);
        var sealer = new MessageSealer(mode, "SAE_A", "pac4200-1", refresh ?? KeyRefreshPolicy.Default, kem?.EncapsulationKey, otpKeyBits: 1024, signer: signer);
        var master = new MasterGateway(txKme, "SAE_B", sealer, tx.PublishAsync, queueCapacity, TimeSpan.FromMilliseconds(5), logger: logger, outbox: outbox);
        var pair = new GatewayPair
        {
            Master = master,
            Slave = slave,
            Store = store,
            Receiver = rx,
            Sender = tx,
            MasterLoop = master.RunAsync(stop.Token),
            SlaveLoop = slave.RunAsync(rx, stop.Token),
        };
        pair._async.AddRange([rx, tx]);
        pair._owned.AddRange([store, opener, rxKme, txKme, sealer, stop]);
        pair._stopSource = stop;
        return pair;
    }

    private CancellationTokenSource? _stopSource;

    public async ValueTask DisposeAsync()
    {
        await _stopSource!.CancelAsync();
        foreach (var t in new[] { MasterLoop, SlaveLoop })
        {
            try
            {
                await t;
            }
            catch (OperationCanceledException)
            {
            }
        }
        foreach (var a in _async)
        {
            await a.DisposeAsync();
        }
        foreach (var d in _owned)
        {
            d.Dispose();
        }
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Store.Path + suffix);
        }
    }
}
