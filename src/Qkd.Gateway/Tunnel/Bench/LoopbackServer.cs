using System.Net;
using System.Net.Sockets;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// The far end of <see cref="LoopbackBenchmark"/>: an echo server, or a sink. A sink connection starts with the
/// stream length (u64, big-endian), which the sink acknowledges with one byte (the path is up, keys fetched and
/// handshakes done), then reads that many bytes and acknowledges again.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Kind _kind;

    public enum Kind
    {
        Echo,
        Sink,
    }

    public LoopbackServer(Kind kind)
    {
        _kind = kind;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    private Task AcceptAsync() => AcceptLoop.RunAsync(_listener, s =>
    {
        s.NoDelay = true;
        _ = Task.Factory.StartNew(() => Serve(s), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }, _stop.Token);

    private void Serve(Socket s)
    {
        using (s)
        {
            var buffer = new byte[65536];
            try
            {
                long total = 0;
                long length = -1;
                int n;
                while ((n = s.Receive(buffer, 0, _kind == Kind.Sink && length < 0 ? 8 - (int)total : buffer.Length, SocketFlags.None)) > 0)
                {
                    total += n;
                    if (_kind == Kind.Echo)
                    {
                        s.Send(buffer, 0, n, SocketFlags.None);
                    }
                    else if (length < 0 && total == 8)
                    {
                        length = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(buffer) + 8;
                        s.Send(buffer, 0, 1, SocketFlags.None);
                    }
                    else if (total == length)
                    {
                        s.Send(buffer, 0, 1, SocketFlags.None);
                    }
                }
            }
            catch (SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
