namespace Qkd.Gateway.Pipeline;

/// <summary>Counters of one master gateway (thread-safe reads; written by its loop).</summary>
public sealed class SenderStats
{
    private long _submitted, _sealed, _sent, _bytesPlain, _bytesSealed, _dropped, _keyRefusals, _kmeErrors, _acknowledged, _retransmitted, _forgedAcks, _givenUp;

    /// <summary>Pulsed on every counter change.</summary>
    public ChangeSignal Changed { get; } = new();

    public long Submitted => Interlocked.Read(ref _submitted);
    /// <summary>Sealed messages the broker acknowledged.</summary>
    public long Sent => Interlocked.Read(ref _sent);
    public long PlaintextBytes => Interlocked.Read(ref _bytesPlain);
    public long SealedBytes => Interlocked.Read(ref _bytesSealed);

    /// <summary>Messages dropped (never sent) because the bounded queue overflowed while no key was available.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>enc_keys requests the KME refused (e.g. 503: pool empty).</summary>
    public long KeyRefusals => Interlocked.Read(ref _keyRefusals);

    /// <summary>enc_keys requests that failed at the transport level.</summary>
    public long KmeErrors => Interlocked.Read(ref _kmeErrors);

    internal void OnSubmitted() => Bump(ref _submitted);

    internal void OnDropped() => Bump(ref _dropped);

    internal void OnKeyRefused() => Bump(ref _keyRefusals);

    internal void OnKmeError() => Bump(ref _kmeErrors);

    /// <summary>Messages sealed (taken out of the plaintext queue into the outbox).</summary>
    public long Sealed => Interlocked.Read(ref _sealed);

    internal void OnSealed(int plaintextBytes)
    {
        Interlocked.Increment(ref _sealed);
        Interlocked.Add(ref _bytesPlain, plaintextBytes);
        Changed.Pulse();
    }

    /// <summary>A sealed message the broker acknowledged (QoS 1).</summary>
    internal void OnPublished(int sealedBytes)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _bytesSealed, sealedBytes);
        Changed.Pulse();
    }

    /// <summary>Sealed messages the receiving gateway acknowledged (edge acknowledgements; 0 without them).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Publications of a message that was already published once and not yet acknowledged by the edge.</summary>
    public long Retransmitted => Interlocked.Read(ref _retransmitted);

    /// <summary>Acknowledgements that named a held message but whose tag did not verify (ignored).</summary>
    public long ForgedAcks => Interlocked.Read(ref _forgedAcks);

    /// <summary>
    /// Messages published <see cref="MasterGateway.MaxPublications"/> times without an edge acknowledgement and given up:
    /// the edge may or may not have stored them (it cannot say so without the epoch key).
    /// </summary>
    public long GivenUp => Interlocked.Read(ref _givenUp);

    internal void OnGivenUp() => Bump(ref _givenUp);

    internal void OnAcknowledged() => Bump(ref _acknowledged);

    internal void OnRetransmitted() => Bump(ref _retransmitted);

    internal void OnForgedAck() => Bump(ref _forgedAcks);

    private void Bump(ref long counter)
    {
        Interlocked.Increment(ref counter);
        Changed.Pulse();
    }
}
