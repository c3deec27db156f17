using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Mqtt;
using Qkd.Gateway.Sealing;

namespace Qkd.Gateway.Pipeline;

/// <summary>
/// The sending gateway of one device stream (master SAE): takes plaintext messages into a bounded queue,
/// obtains QKD keys from its KME (ETSI 014 enc_keys) as the refresh policy demands, seals, and publishes
/// the ciphertext over MQTT. Without a key it holds messages; when the queue is full the oldest is dropped
/// and counted. It never publishes plaintext: the only thing handed to MQTT is <see cref="MessageSealer.Seal"/>'s output.
/// Sealed messages go through a <see cref="SealedOutbox"/> (in memory, or a durable spool) and a separate publishing
/// loop, so a broker outage holds them in order instead of failing the gateway. With edge acknowledgements
/// (<see cref="EdgeAck"/>, given an acknowledgement source) a sealed message stays in the outbox until the receiving
/// gateway acknowledges it, and is published again (the same sealed bytes, never re-sealed) with doubling waits
/// (<see cref="AckTimeout"/> up to <see cref="MaxAckTimeout"/>) and at once after a reconnection, so a broker that loses
/// its sessions in a restart loses no reading.
/// </summary>
public sealed class MasterGateway
{
    private readonly EtsiKeyClient _kme;
    private readonly string _slaveSaeId;
    private readonly MessageSealer _sealer;
    private readonly Func<string, byte[], CancellationToken, Task> _publish;
    private readonly Channel<byte[]> _queue;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _topic;
    private readonly SealedOutbox _outbox;
    private readonly System.Threading.Channels.ChannelReader<MqttBridge.ReceivedMessage>? _acks;

    /// <summary>First wait for an edge acknowledgement before a message is published again.</summary>
    public static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between publications of an unacknowledged message.</summary>
    public static readonly TimeSpan MaxAckTimeout = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Publications of one message without an edge acknowledgement after which the sender gives it up (counted in
    /// <see cref="SenderStats.GivenUp"/>): a receiver that lost the epoch key (restarted; the KME delivers a key once) can
    /// never acknowledge it, and the stream must not stall behind it. Publications count only while the broker is
    /// connected: 64 is about 4 minutes of a connected receiver that does not answer.
    /// </summary>
    public int MaxPublications { get; }

    /// <param name="kme">ETSI 014 client of this gateway's SAE.</param>
    /// <param name="slaveSaeId">The receiving gateway's SAE ID.</param>
    /// <param name="sealer">The stream's sealer (owned by the caller).</param>
    /// <param name="publish">Publishes (topic, sealed message): <see cref="MqttBridge.PublishAsync"/>.</param>
    /// <param name="queueCapacity">Messages held while no key is available; beyond it the oldest is dropped.</param>
    /// <param name="retryDelay">Wait between refused key requests.</param>
    /// <param name="time">Clock (key age, retry waits).</param>
    /// <param name="logger">Log (key IDs only).</param>
    /// <param name="outbox">Sealed messages waiting for the broker (default: 1,024 in memory).</param>
    /// <param name="acknowledgements">
    /// Edge acknowledgements received on <see cref="EdgeAck.FilterOf"/> of this sender (<see cref="MqttBridge.Received"/> of a
    /// bridge subscribed to it; the gateway reads that channel alone, so each stream needs its own bridge); null: a message is
    /// forgotten once the broker acknowledged it (QoS 1 only).
    /// </param>
    /// <param name="maxPublications">See <see cref="MaxPublications"/>.</param>
    public MasterGateway(EtsiKeyClient kme, string slaveSaeId, MessageSealer sealer, Func<string, byte[], CancellationToken, Task> publish,
        int queueCapacity = 256, TimeSpan? retryDelay = null, TimeProvider? time = null, ILogger? logger = null, SealedOutbox? outbox = null,
        System.Threading.Channels.ChannelReader<MqttBridge.ReceivedMessage>? acknowledgements = null, int maxPublications = 64)
    {
        if (maxPublications < 1)
        {
            throw new ArgumentException($"Publications of an unacknowledged message must be at least 1, but was {maxPublications}.");
        }
        MaxPublications = maxPublications;
        ArgumentNullException.ThrowIfNull(sealer);
        if (queueCapacity < 1)
        {
            throw new ArgumentException($"Queue capacity must be at least 1 message, but was {queueCapacity}.");
        }
        _kme = kme;
        _slaveSaeId = slaveSaeId;
        _sealer = sealer;
        _publish = publish;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        QueueCapacity = queueCapacity;
        RetryDelay = retryDelay ?? TimeSpan.FromMilliseconds(250);
        _topic = sealer.Topic;
        _outbox = outbox ?? new SealedOutbox();
        _acks = acknowledgements;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(queueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Stats.OnDropped();
                Log.Dropped(_logger, _sealer.SenderSaeId, _sealer.DeviceId, QueueCapacity);
            });
    }

    public SenderStats Stats { get; } = new();
    public int QueueCapacity { get; }
    public TimeSpan RetryDelay { get; }
    public MessageSealer Sealer => _sealer;

    /// <summary>Plaintext messages waiting in the queue.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Sealed messages waiting for the broker (and, with edge acknowledgements, for the edge).</summary>
    public SealedOutbox Outbox => _outbox;

    /// <summary>True when messages are kept until the edge acknowledges them.</summary>
    public bool UsesEdgeAcks => _acks is not null;

    /// <summary>Queues a plaintext message (never blocks; may push out the oldest held one).</summary>
    public void Submit(byte[] plaintext)
    {
        Stats.OnSubmitted();
        _queue.Writer.TryWrite(plaintext);
    }

    /// <summary>No more messages will be submitted; <see cref="RunAsync"/> ends after the queue drains.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>
    /// The sealing and publishing loops: run until <see cref="Complete"/>, an empty queue and an empty outbox, or
    /// cancellation. A broker outage only delays publishing (<see cref="MqttBridge.PublishAsync"/> waits for the reconnection).
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var stopPublisher = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var publisher = Task.WhenAll(PublishLoopAsync(stopPublisher.Token), AckLoopAsync(stopPublisher.Token));
        try
        {
            await SealLoopAsync(ct).ConfigureAwait(false);
            await _drained.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await stopPublisher.CancelAsync().ConfigureAwait(false);
            try
            {
                await publisher.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sealedDone;

    private async Task SealLoopAsync(CancellationToken ct)
    {
        await foreach (var plaintext in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (!_sealer.CanEverSeal(plaintext.Length))
            {
                // An OTP message longer than a whole key could never be sealed: drop it rather than burn keys.
                Stats.OnDropped();
                continue;
            }
            while (_sealer.NeedsKey(_time.GetUtcNow(), plaintext.Length))
            {
                if (!await TryInstallKeyAsync(ct).ConfigureAwait(false))
                {
                    await Task.Delay(RetryDelay, _time, ct).ConfigureAwait(false);
                }
            }
            if (_outbox.IsFull)
            {
                Log.OutboxFull(_logger, _topic, _outbox.Capacity);
            }
            // Waits while the outbox is full: held plaintext then overflows (counted) in the queue above, never sealed messages.
            var sealedMessage = _sealer.Seal(plaintext, _time.GetUtcNow());
            await _outbox.EnqueueAsync(_topic, sealedMessage, _acks is null ? null : _sealer.EpochAckKey, ct).ConfigureAwait(false);
            Stats.OnSealed(plaintext.Length);
        }
        Volatile.Write(ref _sealedDone, 1);
        if (_outbox.Count == 0)
        {
            _drained.TrySetResult();
        }
    }

    private async Task PublishLoopAsync(CancellationToken ct)
    {
        while (true)
        {
            var next = _outbox.NextToPublish(_time.GetUtcNow(), out var wakeAt);
            if (next is null)
            {
                await _outbox.WaitForChangeAsync(wakeAt, _time, ct).ConfigureAwait(false);
                continue;
            }
            if (next.Attempts >= MaxPublications && _outbox.GiveUp(next))
            {
                Stats.OnGivenUp();
                Log.GaveUp(_logger, next.Topic, next.KeyId, next.Sequence, next.Attempts);
                CheckDrained();
                continue;
            }
            await _publish(next.Topic, next.Payload, ct).ConfigureAwait(false);
            var wait = TimeSpan.FromTicks(Math.Min(MaxAckTimeout.Ticks, AckTimeout.Ticks << Math.Min(next.Attempts, 16)));
            var first = next.Attempts == 0;
            _outbox.MarkPublished(next, _time.GetUtcNow() + wait);
            if (first)
            {
                Stats.OnPublished(next.Payload.Length);
            }
            else
            {
                Stats.OnRetransmitted();
                Log.Retransmitted(_logger, next.Topic, next.KeyId, next.Sequence, next.Attempts);
            }
            CheckDrained();
        }
    }

    private async Task AckLoopAsync(CancellationToken ct)
    {
        if (_acks is null)
        {
            return;
        }
        var ackTopic = EdgeAck.TopicOf(_sealer.SenderSaeId, _sealer.DeviceId);
        await foreach (var m in _acks.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (!string.Equals(m.Topic, ackTopic, StringComparison.Ordinal))
            {
                continue; // another stream of this sender
            }
            switch (_outbox.Acknowledge(m.Topic, m.Payload))
            {
                case SealedOutbox.AckOutcome.Acknowledged:
                    Stats.OnAcknowledged();
                    CheckDrained();
                    break;
                case SealedOutbox.AckOutcome.Forged:
                    Stats.OnForgedAck();
                    Log.ForgedAck(_logger, m.Topic);
                    break;
            }
        }
    }

    private void CheckDrained()
    {
        if (Volatile.Read(ref _sealedDone) == 1 && _outbox.Count == 0)
        {
            _drained.TrySetResult();
        }
    }

    private async Task<bool> TryInstallKeyAsync(CancellationToken ct)
    {
        KeyFetch fetch;
        try
        {
            fetch = await _kme.EncKeysAsync(_slaveSaeId, 1, _sealer.KeyRequestBits, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            Stats.OnKmeError();
            Log.KmeError(_logger, _kme.SaeId, e.Message);
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            Stats.OnKmeError();
            Log.KmeError(_logger, _kme.SaeId, "timeout");
            return false;
        }
        switch (fetch)
        {
            case KeyFetch.Delivered { Keys: [var key] }:
                _sealer.Install(key, _time.GetUtcNow());
                Log.KeyInstalled(_logger, _sealer.SenderSaeId, _sealer.DeviceId, _sealer.Mode, key.Id, key.SizeBits);
                return true;
            case KeyFetch.Delivered d:
                foreach (var k in d.Keys)
                {
                    k.Dispose();
                }
                Stats.OnKmeError();
                return false;
            case KeyFetch.Refused r:
                Stats.OnKeyRefused();
                Log.KeyRefused(_logger, _sealer.SenderSaeId, _sealer.DeviceId, r.StatusCode, r.Message, Queued);
                return false;
            default:
                return false;
        }
    }
}
