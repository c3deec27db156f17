using System.Net;
using System.Net.Sockets;

namespace Qkd.Gateway.Tests.Tunnel;

/// <summary>A loopback TCP server that writes back every byte it reads, and counts the connections it accepted.</summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    public EchoServer()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var s = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                _ = Task.Run(async () =>
                {
                    using (s)
                    {
                        var buffer = new byte[65536];
                        try
                        {
                            int n;
                            while ((n = await s.ReceiveAsync(buffer, _stop.Token)) > 0)
                            {
                                await s.SendAsync(buffer.AsMemory(0, n), _stop.Token);
                            }
                        }
                        catch (Exception e) when (e is SocketException or OperationCanceledException)
                        {
                        }
                    }
                });
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
