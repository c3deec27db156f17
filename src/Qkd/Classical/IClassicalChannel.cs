namespace Qkd.Classical;

/// <summary>
/// One party's end of the classical channel of a QKD link: ordered, reliable messages to and from the
/// other party. Protocol code (sifting, estimation, Cascade, verification, privacy amplification)
/// talks only through this, so the same code runs in memory for simulation and across a socket for
/// emulation. Every byte is counted in <see cref="Traffic"/>. Authentication is a decorator around
/// an endpoint, not a concern of the protocols.
/// </summary>
public interface IClassicalChannel
{
    /// <summary>Which party this end belongs to.</summary>
    Party Self { get; }

    /// <summary>Bytes and messages sent and received through this end so far.</summary>
    ClassicalTraffic Traffic { get; }

    /// <summary>Sends one message to the other party. The buffer may be reused once the call returns.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>Receives the next message from the other party, in order.</summary>
    ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default);
}
