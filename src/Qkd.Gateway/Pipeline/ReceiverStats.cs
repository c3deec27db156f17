using Qkd.Gateway.Sealing;

namespace Qkd.Gateway.Pipeline;

/// <summary>Counters and latencies of a slave gateway.</summary>
public sealed class ReceiverStats
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RejectReason, long> _rejected = [];
    private readonly List<double> _latenciesMs = [];
    private long _processed, _received, _decrypted, _stored, _bytes, _keysFetched, _kmeRetries, _duplicates, _acksSent;
    private Mqtt.MqttBridge? _bridge;

    /// <summary>Pulsed after every processed message.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>Messages fully handled (stored or rejected).</summary>
    public long Processed => Interlocked.Read(ref _processed);

    public long Received => Interlocked.Read(ref _received);
    public long Decrypted => Interlocked.Read(ref _decrypted);
    public long Stored => Interlocked.Read(ref _stored);
    public long ReceivedBytes => Interlocked.Read(ref _bytes);
    public long KeysFetched => Interlocked.Read(ref _keysFetched);

    /// <summary>dec_keys calls repeated because the KME did not answer (transport error, timeout, 5xx).</summary>
    public long KmeRetries => Interlocked.Read(ref _kmeRetries);

    /// <summary>Messages the MQTT receive queue could not hold (counted, never silent); 0 before a bridge is attached.</summary>
    public long ReceiveQueueOverflows => _bridge?.ReceiveOverflows ?? 0;

    internal void Attach(Mqtt.MqttBridge bridge) => _bridge = bridge;

    /// <summary>Authentic copies of messages already stored (retransmissions or replays): acknowledged again, never stored twice.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Edge acknowledgements handed to the broker.</summary>
    public long AcksSent => Interlocked.Read(ref _acksSent);

    internal void OnDuplicate() => Interlocked.Increment(ref _duplicates);

    internal void OnAckSent() => Bump(ref _acksSent);

    internal void OnKmeRetry() => Bump(ref _kmeRetries);

    /// <summary>Rejections by reason.</summary>
    public IReadOnlyDictionary<RejectReason, long> Rejected
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<RejectReason, long>(_rejected);
            }
        }
    }

    /// <summary>Measurement-to-store latencies [ms], in arrival order.</summary>
    public IReadOnlyList<double> LatenciesMs
    {
        get
        {
            lock (_gate)
            {
                return [.. _latenciesMs];
            }
        }
    }

    internal void OnReceived(int bytes)
    {
        Interlocked.Increment(ref _received);
        Interlocked.Add(ref _bytes, bytes);
    }

    internal void OnProcessed() => Bump(ref _processed);

    internal void OnKeyFetched() => Interlocked.Increment(ref _keysFetched);

    internal void OnDecrypted() => Interlocked.Increment(ref _decrypted);

    internal void OnStored(double latencyMs)
    {
        Interlocked.Increment(ref _stored);
        lock (_gate)
        {
            _latenciesMs.Add(latencyMs);
        }
    }

    internal void OnRejected(RejectReason reason)
    {
        lock (_gate)
        {
            _rejected[reason] = _rejected.GetValueOrDefault(reason) + 1;
        }
    }

    private void Bump(ref long counter)
    {
        Interlocked.Increment(ref counter);
        Changed.Pulse();
    }
}
