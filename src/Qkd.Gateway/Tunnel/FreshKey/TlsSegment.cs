using System.Net.Sockets;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// One TLS 1.3 connection of a fresh-key stream: its protocol, its TCP socket, its number in the stream and the QKD
/// key that keys it. Two users hold it (the sending and the receiving direction of the session); it closes when both
/// have moved on, or when the session ends. <see cref="Closed"/> completes then.
/// </summary>
internal sealed class TlsSegment(uint number, Guid keyId, IKeyUpdatingProtocol protocol, Socket transport)
{
    private int _users = 2;
    private int _closed;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public uint Number { get; } = number;
    public Guid KeyId { get; } = keyId;
    public IKeyUpdatingProtocol Protocol { get; } = protocol;
    public Stream Stream => Protocol.Stream;
    public Task Closed => _done.Task;

    /// <summary>One direction is done with this segment; the second call closes it.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            Close();
        }
    }

    /// <summary>Sends close_notify (when still possible) and closes the socket; idempotent.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        try
        {
            Protocol.Close();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        transport.Close();
        _done.TrySetResult();
    }
}
