using System.Buffers;
using System.Threading.Channels;

namespace Qkd.Classical;

/// <summary>An in-memory classical channel: two connected ends backed by unbounded queues.</summary>
public sealed class InMemoryClassicalChannel : IClassicalChannel
{
    private readonly ChannelWriter<Envelope> _outbox;
    private readonly ChannelReader<Envelope> _inbox;

    private InMemoryClassicalChannel(Party self, ChannelWriter<Envelope> outbox, ChannelReader<Envelope> inbox)
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
        var toBob = Channel.CreateUnbounded<Envelope>(options);
        var toAlice = Channel.CreateUnbounded<Envelope>(options);
        return (new InMemoryClassicalChannel(Party.Alice, toBob.Writer, toAlice.Reader),
                new InMemoryClassicalChannel(Party.Bob, toAlice.Writer, toBob.Reader));
    }

    /// <inheritdoc />
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        Traffic.RecordSend(message.Length);
        var copy = message.ToArray();
        return _outbox.WriteAsync(new Envelope(copy, copy.Length, pooled: false), cancellationToken);
    }

    /// <summary>
    /// Sends a message the caller hands over and never touches again: queued as is, without the copy that
    /// <see cref="SendAsync"/> makes so that a caller may reuse its buffer.
    /// </summary>
    internal ValueTask SendOwnedAsync(byte[] message, CancellationToken cancellationToken = default)
    {
        Traffic.RecordSend(message.Length);
        return _outbox.WriteAsync(new Envelope(message, message.Length, pooled: false), cancellationToken);
    }

    /// <summary>
    /// Sends the first <paramref name="length"/> bytes of <paramref name="rented"/>, a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/> that the caller hands over: the receiver returns it to the pool once it has
    /// read it (<see cref="ReceiveEnvelopeAsync"/> and <see cref="Envelope.Release"/>, or <see cref="ReceiveAsync"/>,
    /// which copies it out first). Only the message's own bytes are counted.
    /// </summary>
    internal ValueTask SendPooledAsync(byte[] rented, int length, CancellationToken cancellationToken = default)
    {
        Traffic.RecordSend(length);
        return _outbox.WriteAsync(new Envelope(rented, length, pooled: true), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var envelope = await _inbox.ReadAsync(cancellationToken).ConfigureAwait(false);
        Traffic.RecordReceive(envelope.Length);
        if (!envelope.Pooled && envelope.Length == envelope.Buffer.Length)
        {
            return envelope.Buffer;
        }
        var copy = envelope.Message.ToArray();
        envelope.Release();
        return copy;
    }

    /// <summary>
    /// Receives the next message without copying it: the caller reads <see cref="Envelope.Message"/> and then calls
    /// <see cref="Envelope.Release"/> (after which the bytes may be reused by another message).
    /// </summary>
    internal async ValueTask<Envelope> ReceiveEnvelopeAsync(CancellationToken cancellationToken = default)
    {
        var envelope = await _inbox.ReadAsync(cancellationToken).ConfigureAwait(false);
        Traffic.RecordReceive(envelope.Length);
        return envelope;
    }

    /// <summary>One queued message: its bytes, and whether they are a pooled buffer the receiver returns.</summary>
    internal readonly struct Envelope(byte[] buffer, int length, bool pooled)
    {
        public byte[] Buffer { get; } = buffer;

        public int Length { get; } = length;

        public bool Pooled { get; } = pooled;

        /// <summary>The message's bytes.</summary>
        public ReadOnlyMemory<byte> Message => Buffer.AsMemory(0, Length);

        /// <summary>Returns a pooled buffer to the pool (the message must not be read afterwards).</summary>
        public void Release()
        {
            if (Pooled)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }
}
