using System.Threading.Channels;

namespace Qkd.Classical;

/// <summary>An in-memory classical channel: two connected ends backed by unbounded queues.</summary>
public sealed class InMemoryClassicalChannel : IClassicalChannel
{
    private readonly ChannelWriter<byte[]> _outbox;
    private readonly ChannelReader<byte[]> _inbox;

    private InMemoryClassicalChannel(Party self, ChannelWriter<byte[]> outbox, ChannelReader<byte[]> inbox)
    {
        Self = self;
        _outbox = outbox;
        _inbox = inbox;
    }

    /// <inheritdoc />
    public Party Self { get; }

    /// <inheritdoc />
    public ClassicalTraffic Traffic { get; } = new();

    /// <summary>Creates Alice's and Bob's connected ends.</summary>
    public static (InMemoryClassicalChannel Alice, InMemoryClassicalChannel Bob) CreatePair() => CreatePair(inlineHandOff: false);

    /// <summary>
    /// Creates Alice's and Bob's connected ends. With <paramref name="inlineHandOff"/> a send that finds the other
    /// party waiting in <see cref="ReceiveAsync"/> runs the receiver's continuation on the sender's thread, before
    /// the send returns, instead of scheduling it on the thread pool: a ping-pong conversation then runs on one
    /// thread with no wake-up of another (each wake-up costs a scheduler round trip, milliseconds on a loaded
    /// host). Use it only where both parties' code is non-blocking (a receiver that blocks would block the sender).
    /// </summary>
    public static (InMemoryClassicalChannel Alice, InMemoryClassicalChannel Bob) CreatePair(bool inlineHandOff)
    {
        var options = new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = inlineHandOff };
        var toBob = Channel.CreateUnbounded<byte[]>(options);
        var toAlice = Channel.CreateUnbounded<byte[]>(options);
        return (new InMemoryClassicalChannel(Party.Alice, toBob.Writer, toAlice.Reader),
                new InMemoryClassicalChannel(Party.Bob, toAlice.Writer, toBob.Reader));
    }

    /// <inheritdoc />
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        Traffic.RecordSend(message.Length);
        return _outbox.WriteAsync(message.ToArray(), cancellationToken);
    }

    /// <summary>
    /// Sends a message the caller hands over and never touches again: queued as is, without the copy that
    /// <see cref="SendAsync"/> makes so that a caller may reuse its buffer.
    /// </summary>
    internal ValueTask SendOwnedAsync(byte[] message, CancellationToken cancellationToken = default)
    {
        Traffic.RecordSend(message.Length);
        return _outbox.WriteAsync(message, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var m = await _inbox.ReadAsync(cancellationToken).ConfigureAwait(false);
        Traffic.RecordReceive(m.Length);
        return m;
    }
}
