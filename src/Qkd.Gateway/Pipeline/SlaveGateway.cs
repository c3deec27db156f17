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
/// key ID and sequence only. Fetches for unknown key IDs are rate-limited per claimed sender
/// (<see cref="KeyFetchLimiter"/>); a KME that does not answer (transport error, 5xx) is retried with backoff
/// until it does, so a KME restart delays messages but loses none. With <c>acknowledge</c> it tells each sender, on
/// <see cref="EdgeAck.TopicOf"/>, which messages it has stored (or already had: a <see cref="OpenOutcome.Duplicate"/> is
/// counted and acknowledged again, never stored twice), so senders publish unacknowledged ones again.
/// </summary>
public sealed class SlaveGateway(EtsiKeyClient kme, MessageOpener opener, EdgeStore store, TimeProvider? time = null, ILogger? logger = null,
    KeyFetchLimiter? limiter = null, bool acknowledge = false)
{
    /// <summary>Acknowledgements waiting to be published; beyond this many the oldest is given up (its message is sent again and acknowledged then).</summary>
    public const int AckQueueCapacity = 10_000;

    private readonly System.Threading.Channels.Channel<(string Topic, byte[] Payload)> _acks =
        System.Threading.Channels.Channel.CreateBounded<(string, byte[])>(new System.Threading.Channels.BoundedChannelOptions(AckQueueCapacity)
        {
            SingleReader = true, FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest,
        });

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly KeyFetchLimiter _limiter = limiter ?? new KeyFetchLimiter(time: time);

    /// <summary>Key IDs (per claimed sender) the KME refused, so they are not asked for again; the oldest are forgotten beyond this many.</summary>
    public const int RefusedMemory = 4096;

    /// <summary>Longest wait between dec_keys retries while the KME does not answer.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly HashSet<(string Sender, Guid KeyId)> _unavailable = [];
    private readonly Queue<(string Sender, Guid KeyId)> _unavailableOrder = new();

    public ReceiverStats Stats { get; } = new();

    /// <summary>Processes messages from <paramref name="bridge"/> until it completes or <paramref name="ct"/> fires.</summary>
    public async Task RunAsync(MqttBridge bridge, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        Stats.Attach(bridge);
        using var stopAcks = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ackLoop = acknowledge ? AckLoopAsync(bridge, stopAcks.Token) : Task.CompletedTask;
        try
        {
            await foreach (var m in bridge.Received.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await HandleAsync(m.Topic, m.Payload, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await stopAcks.CancelAsync().ConfigureAwait(false);
            try
            {
                await ackLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Publishes acknowledgements at most once each (MQTT QoS 0): a lost one is repaired by the sender publishing the message again.</summary>
    private async Task AckLoopAsync(MqttBridge bridge, CancellationToken ct)
    {
        await foreach (var (topic, payload) in _acks.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (await bridge.TryPublishAtMostOnceAsync(topic, payload, ct).ConfigureAwait(false))
            {
                Stats.OnAckSent();
            }
        }
    }

    private void Acknowledge(SealedHeader header)
    {
        if (acknowledge && opener.Acknowledgement(header) is { } ack)
        {
            _acks.Writer.TryWrite((EdgeAck.TopicOf(header.SenderSaeId, header.DeviceId), ack));
        }
    }

    /// <summary>Opens one message received on <paramref name="topic"/> and stores its sample; returns the outcome.</summary>
    public async Task<OpenOutcome> HandleAsync(string topic, byte[] message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        Stats.OnReceived(message.Length);
        var outcome = opener.Open(topic, message);
        if (outcome is OpenOutcome.NeedsKey need)
        {
            outcome = await FetchAndOpenAsync(topic, need.Header, message, ct).ConfigureAwait(false);
        }
        switch (outcome)
        {
            case OpenOutcome.Duplicate duplicate:
                Stats.OnDuplicate();
                Log.Duplicate(_logger, duplicate.Header.SenderSaeId, duplicate.Header.DeviceId, duplicate.Header.KeyId, duplicate.Header.Sequence);
                Acknowledge(duplicate.Header);
                break;
            case OpenOutcome.Opened opened:
                Stats.OnDecrypted();
                // One device's sample, or (seed 003's fixed scheme) a router's aggregate of one tick's readings of its devices.
                var readings = PowerSample.TryRead(opened.Plaintext) is { } single ? [(opened.Header.DeviceId, single)]
                    : ReadingAggregate.TryRead(opened.Plaintext);
                if (readings is null)
                {
                    Stats.OnRejected(RejectReason.Malformed);
                    break;
                }
                var now = SensorDriver.UnixMicroseconds(_time);
                foreach (var (device, sample) in readings)
                {
                    store.Write(device, sample, now, opened.Header.KeyId);
                    Stats.OnStored((now - sample.TimestampUnixUs) / 1000.0);
                }
                // Only after the store has the readings: an acknowledged message is never sent again.
                Acknowledge(opened.Header);
                break;
            case OpenOutcome.Rejected r:
                Stats.OnRejected(r.Reason);
                Log.Rejected(_logger, r.Header?.SenderSaeId ?? "?", r.Header?.DeviceId ?? "?", r.Header?.KeyId ?? Guid.Empty, r.Header?.Sequence ?? 0, r.Reason);
                break;
        }
        Stats.OnProcessed();
        return outcome;
    }

    private async Task<OpenOutcome> FetchAndOpenAsync(string topic, SealedHeader header, byte[] message, CancellationToken ct)
    {
        var id = (header.SenderSaeId, header.KeyId);
        if (_unavailable.Contains(id))
        {
            return new OpenOutcome.Rejected(RejectReason.KeyUnavailable, header);
        }
        if (!_limiter.TryAcquire(header.SenderSaeId))
        {
            return new OpenOutcome.Rejected(RejectReason.RateLimited, header);
        }
        var fetch = await DecKeysUntilAnsweredAsync(header, ct).ConfigureAwait(false);
        if (fetch is not KeyFetch.Delivered { Keys: [var key] } || key.Id != header.KeyId)
        {
            if (fetch is KeyFetch.Delivered d)
            {
                foreach (var k in d.Keys)
                {
                    k.Dispose();
                }
            }
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
        return opener.Open(topic, message);
    }

    /// <summary>dec_keys, retried with doubling delays (50 ms up to <see cref="MaxRetryDelay"/>) while the KME does not answer or answers 5xx.</summary>
    private async Task<KeyFetch> DecKeysUntilAnsweredAsync(SealedHeader header, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            string reason;
            try
            {
                var fetch = await kme.DecKeysAsync(header.SenderSaeId, [header.KeyId], ct).ConfigureAwait(false);
                if (fetch is not KeyFetch.Refused { StatusCode: >= 500 } refused)
                {
                    return fetch;
                }
                reason = $"{refused.StatusCode} {refused.Message}";
            }
            catch (HttpRequestException e)
            {
                reason = e.Message;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                reason = "timeout";
            }
            Stats.OnKmeRetry();
            Log.DecKeysRetry(_logger, header.SenderSaeId, header.KeyId, reason, delay.TotalMilliseconds);
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, delay.Ticks * 2));
        }
    }
}
