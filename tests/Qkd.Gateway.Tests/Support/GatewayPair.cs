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
    private Testbed _bed = null!;
    private Func<string, MqttSecurity?>? _security;
    private ILogger? _logger;
    private string _receiverClientId = "";
    private CancellationTokenSource _slaveStop = null!;

    public required MasterGateway Master { get; init; }
    public required SlaveGateway Slave { get; init; }
    public required EdgeStore Store { get; init; }
    public required Task MasterLoop { get; init; }
    public Task SlaveLoop { get; private set; } = Task.CompletedTask;

    public MqttBridge Receiver { get; private set; } = null!;
    public required MqttBridge Sender { get; init; }

    /// <summary>
    /// SAE_A seals pac4200-1 in <paramref name="mode"/> (hybrid epochs signed with a fresh ML-DSA-65 key); SAE_B accepts
    /// only SAE_A in that mode (pinned policy) and subscribes to SAE_A's streams only. With <paramref name="edgeAcks"/> (the
    /// default) SAE_B acknowledges what it stored and SAE_A keeps each message until then.
    /// </summary>
    public static async Task<GatewayPair> StartAsync(Testbed bed, SealingMode mode, int queueCapacity = 256, ILogger? logger = null, string? storePath = null,
        SealedOutbox? outbox = null, Func<string, MqttSecurity?>? security = null, KeyRefreshPolicy? refresh = null, bool edgeAcks = true,
        bool receiverAcks = true, int maxPublications = 64)
    {
        var stop = new CancellationTokenSource();
        var kem = mode == SealingMode.Hybrid ? MlKem768.Generate() : null;
        var signer = mode == SealingMode.Hybrid ? MlDsa65.Generate() : null;
        var store = new EdgeStore(storePath ?? Path.Combine(Path.GetTempPath(), "qkd-gw-edge-" + Guid.NewGuid().ToString("N")[..12] + ".db"));
        var opener = new MessageOpener(new ReceiverPolicy([new SenderTrust("SAE_A", mode, signer?.PublicKey)]), kem);
        var rxKme = bed.Client("SAE_B");
        var txKme = bed.Client("SAE_A");
        var slave = new SlaveGateway(rxKme, opener, store, logger: logger, acknowledge: edgeAcks && receiverAcks);
        var tx = await MqttBridge.ConnectAsync(bed.Broker, "test-tx-" + Guid.NewGuid().ToString("N")[..8], security?.Invoke("SAE_A"), logger: logger);
        if (edgeAcks)
        {
            await tx.SubscribeAsync(EdgeAck.FilterOf("SAE_A"));
        }
        var sealer = new MessageSealer(mode, "SAE_A", "pac4200-1", refresh ?? KeyRefreshPolicy.Default, kem?.EncapsulationKey, otpKeyBits: 2048, signer: signer);
        var master = new MasterGateway(txKme, "SAE_B", sealer, tx.PublishAsync, queueCapacity, TimeSpan.FromMilliseconds(5), logger: logger, outbox: outbox,
            acknowledgements: edgeAcks ? tx.Received : null, maxPublications: maxPublications);
        var pair = new GatewayPair
        {
            Master = master,
            Slave = slave,
            Store = store,
            Sender = tx,
            MasterLoop = master.RunAsync(stop.Token),
        };
        pair._bed = bed;
        pair._security = security;
        pair._logger = logger;
        pair._receiverClientId = "test-rx-" + Guid.NewGuid().ToString("N")[..8];
        await pair.AttachReceiverAsync();
        pair._async.Add(tx);
        pair._owned.AddRange([store, opener, rxKme, txKme, sealer, stop]);
        pair._stopSource = stop;
        return pair;
    }

    /// <summary>Connects the receiving gateway to the broker (same client ID each time), subscribes, and runs it.</summary>
    public async Task AttachReceiverAsync()
    {
        Receiver = await MqttBridge.ConnectAsync(_bed.Broker, _receiverClientId, _security?.Invoke("SAE_B"), logger: _logger);
        await Receiver.SubscribeAsync("qkd/sealed/SAE_A/#");
        _slaveStop = new CancellationTokenSource();
        SlaveLoop = Slave.RunAsync(Receiver, _slaveStop.Token);
    }

    /// <summary>Stops the receiving gateway's loop and closes its broker connection (the edge link goes away); the edge store stays.</summary>
    public async Task DetachReceiverAsync()
    {
        await _slaveStop.CancelAsync();
        try
        {
            await SlaveLoop;
        }
        catch (OperationCanceledException)
        {
        }
        await Receiver.DisposeAsync();
        _slaveStop.Dispose();
    }

    private CancellationTokenSource? _stopSource;

    public async ValueTask DisposeAsync()
    {
        await _stopSource!.CancelAsync();
        try
        {
            await MasterLoop;
        }
        catch (OperationCanceledException)
        {
        }
        await DetachReceiverAsync();
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
