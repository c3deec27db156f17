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
    public static (InMemoryClassicalChannel Alice, InMemoryClassicalChannel Bob) CreatePair()
    {
        var toBob = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var toAlice = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        return (new InMemoryClassicalChannel(Party.Alice, toBob.Writer, toAlice.Reader),
                new InMemoryClassicalChannel(Party.Bob, toAlice.Writer, toBob.Reader));
    }

    /// <inheritdoc />
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        Traffic.RecordSend(message.Length);
        return _outbox.WriteAsync(message.ToArray(), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var m = await _inbox.ReadAsync(cancellationToken).ConfigureAwait(false);
        Traffic.RecordReceive(m.Length);
        return m;
    }
}
