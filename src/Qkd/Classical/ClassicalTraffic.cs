namespace Qkd.Classical;

/// <summary>
/// Counters of one channel end. A round trip is counted each time this end sends after having
/// received (or sends first), i.e. each change of direction seen from here, which is what latency costs.
/// </summary>
public sealed class ClassicalTraffic
{
    private long _bytesSent, _bytesReceived, _messagesSent, _messagesReceived, _turns;
    private int _lastWasSend = -1;

    /// <summary>Bytes sent by this end.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Bytes received by this end.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Messages sent by this end.</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Messages received by this end.</summary>
    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    /// <summary>Number of send phases that followed a receive phase (or started the exchange).</summary>
    public long SendTurns => Interlocked.Read(ref _turns);

    /// <summary>Total bytes in both directions.</summary>
    public long TotalBytes => BytesSent + BytesReceived;

    /// <summary>Records a sent message of <paramref name="bytes"/> bytes.</summary>
    public void RecordSend(int bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Increment(ref _messagesSent);
        if (Interlocked.Exchange(ref _lastWasSend, 1) != 1)
        {
            Interlocked.Increment(ref _turns);
        }
    }

    /// <summary>Records a received message of <paramref name="bytes"/> bytes.</summary>
    public void RecordReceive(int bytes)
    {
        Interlocked.Add(ref _bytesReceived, bytes);
        Interlocked.Increment(ref _messagesReceived);
        Interlocked.Exchange(ref _lastWasSend, 0);
    }
}
