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

    /// <param name="kme">ETSI 014 client of this gateway's SAE.</param>
    /// <param name="slaveSaeId">The receiving gateway's SAE ID.</param>
    /// <param name="sealer">The stream's sealer (owned by the caller).</param>
    /// <param name="publish">Publishes (topic, sealed message): <see cref="MqttBridge.PublishAsync"/>.</param>
    /// <param name="queueCapacity">Messages held while no key is available; beyond it the oldest is dropped.</param>
    /// <param name="retryDelay">Wait between refused key requests.</param>
    /// <param name="time">Clock (key age, retry waits).</param>
    /// <param name="logger">Log (key IDs only).</param>
    public MasterGateway(EtsiKeyClient kme, string slaveSaeId, MessageSealer sealer, Func<string, byte[], CancellationToken, Task> publish,
        int queueCapacity = 256, TimeSpan? retryDelay = null, TimeProvider? time = null, ILogger? logger = null)
    {
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
        _topic = MqttBridge.TopicOf(sealer.SenderSaeId, sealer.DeviceId);
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

    /// <summary>Messages waiting in the queue.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Queues a plaintext message (never blocks; may push out the oldest held one).</summary>
    public void Submit(byte[] plaintext)
    {
        Stats.OnSubmitted();
        _queue.Writer.TryWrite(plaintext);
    }

    /// <summary>No more messages will be submitted; <see cref="RunAsync"/> ends after the queue drains.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>The sealing loop: runs until <see cref="Complete"/> and an empty queue, or cancellation.</summary>
    public async Task RunAsync(CancellationToken ct)
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
            var sealedMessage = _sealer.Seal(plaintext, _time.GetUtcNow());
            await _publish(_topic, sealedMessage, ct).ConfigureAwait(false);
            Stats.OnSent(plaintext.Length, sealedMessage.Length);
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
