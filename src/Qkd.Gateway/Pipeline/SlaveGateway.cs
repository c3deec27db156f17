using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qkd.Gateway.Edge;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Sensors;

namespace Qkd.Gateway.Pipeline;

/// <summary>
/// The receiving gateway (slave SAE): takes sealed messages from MQTT in arrival order, fetches each new key
/// epoch from its own KME by key ID (ETSI 014 dec_keys, naming the sender SAE found in the header), opens,
/// and writes the decoded samples to the edge store. Rejected messages are counted by reason and logged by
/// key ID and sequence only.
/// </summary>
public sealed class SlaveGateway(EtsiKeyClient kme, MessageOpener opener, EdgeStore store, TimeProvider? time = null, ILogger? logger = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    /// <summary>Key IDs (per claimed sender) the KME refused, so they are not asked for again; the oldest are forgotten beyond this many.</summary>
    public const int RefusedMemory = 4096;

    private readonly HashSet<(string Sender, Guid KeyId)> _unavailable = [];
    private readonly Queue<(string Sender, Guid KeyId)> _unavailableOrder = new();

    public ReceiverStats Stats { get; } = new();

    /// <summary>Processes messages from <paramref name="bridge"/> until it completes or <paramref name="ct"/> fires.</summary>
    public async Task RunAsync(MqttBridge bridge, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        await foreach (var m in bridge.Received.ReadAllAsync(ct).ConfigureAwait(false))
        {
            await HandleAsync(m.Payload, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Opens one message and stores its sample; returns the outcome.</summary>
    public async Task<OpenOutcome> HandleAsync(byte[] message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        Stats.OnReceived(message.Length);
        var outcome = opener.Open(message);
        if (outcome is OpenOutcome.NeedsKey need)
        {
            outcome = await FetchAndOpenAsync(need.Header, message, ct).ConfigureAwait(false);
        }
        switch (outcome)
        {
            case OpenOutcome.Opened opened:
                Stats.OnDecrypted();
                var sample = PowerSample.TryRead(opened.Plaintext);
                if (sample is null)
                {
                    Stats.OnRejected(RejectReason.Malformed);
                    break;
                }
                var now = SensorDriver.UnixMicroseconds(_time);
                store.Write(opened.Header.DeviceId, sample.Value, now, opened.Header.KeyId);
                Stats.OnStored((now - sample.Value.TimestampUnixUs) / 1000.0);
                break;
            case OpenOutcome.Rejected r:
                Stats.OnRejected(r.Reason);
                Log.Rejected(_logger, r.Header?.SenderSaeId ?? "?", r.Header?.DeviceId ?? "?", r.Header?.KeyId ?? Guid.Empty, r.Header?.Sequence ?? 0, r.Reason);
                break;
        }
        Stats.OnProcessed();
        return outcome;
    }

    private async Task<OpenOutcome> FetchAndOpenAsync(SealedHeader header, byte[] message, CancellationToken ct)
    {
        var id = (header.SenderSaeId, header.KeyId);
        if (_unavailable.Contains(id))
        {
            return new OpenOutcome.Rejected(RejectReason.KeyUnavailable, header);
        }
        KeyFetch fetch;
        try
        {
            fetch = await kme.DecKeysAsync(header.SenderSaeId, [header.KeyId], ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            Log.KmeError(_logger, kme.SaeId, e.Message);
            return new OpenOutcome.Rejected(RejectReason.KeyUnavailable, header);
        }
        if (fetch is not KeyFetch.Delivered { Keys: [var key] } || key.Id != header.KeyId)
        {
            if (_unavailable.Add(id))
            {
                _unavailableOrder.Enqueue(id);
                if (_unavailableOrder.Count > RefusedMemory)
                {
                    _unavailable.Remove(_unavailableOrder.Dequeue());
                }
            }
            return new OpenOutcome.Rejected(RejectReason.KeyUnavailable, header);
        }
        Stats.OnKeyFetched();
        Log.KeyFetched(_logger, header.SenderSaeId, header.DeviceId, key.Id);
        opener.Install(header, key);
        return opener.Open(message);
    }
}
