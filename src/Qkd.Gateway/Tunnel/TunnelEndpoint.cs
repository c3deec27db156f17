using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// What both tunnel ends (and the plain baseline forwarder) share: a TCP listener, one task per accepted
/// connection, and closing every carried connection on dispose. A subclass turns an accepted socket into a
/// running <see cref="TunnelSession"/>.
/// </summary>
public abstract class TunnelEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, Socket> _open = new();
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private long _nextId;
    private Task _acceptLoop = Task.CompletedTask;

    protected TunnelEndpoint(IPEndPoint listen, TunnelSettings settings, TunnelMetrics metrics, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(listen);
        Settings = settings.Validated();
        Metrics = metrics;
        Logger = logger;
        Time = time;
        _listener = new TcpListener(listen);
    }

    public TunnelSettings Settings { get; }
    public TunnelMetrics Metrics { get; }
    protected ILogger Logger { get; }
    protected TimeProvider Time { get; }
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>The bound address (the port is known after <see cref="Start"/>, also when 0 was asked for).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Starts listening and accepting.</summary>
    public void Start()
    {
        _listener.Start(512);
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Carries <paramref name="accepted"/>; runs until that connection ends. Exceptions end only this connection.</summary>
    protected abstract Task CarryAsync(long id, Socket accepted, CancellationToken ct);

    /// <summary>Registers a further socket of connection <paramref name="id"/> to be closed on dispose.</summary>
    protected void Track(long id, Socket socket) => _open[-id] = socket;

    protected static Socket Tcp(AddressFamily family) => new(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            accepted.NoDelay = true;
            var id = Interlocked.Increment(ref _nextId);
            // Read once now: the socket may be closed (refused, peer gone) by the time a failure is logged.
            var remote = accepted.RemoteEndPoint?.ToString() ?? "?";
            Metrics.Accepted();
            _open[id] = accepted;
            _running[id] = Task.Run(async () =>
            {
                try
                {
                    await CarryAsync(id, accepted, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    TunnelLog.SessionRefused(Logger, id, remote, e.Message);
                }
                finally
                {
                    accepted.Dispose();
                    if (_open.TryRemove(-id, out var other))
                    {
                        other.Dispose();
                    }
                    _open.TryRemove(id, out _);
                    _running.TryRemove(id, out _);
                }
            });
        }
    }

    /// <summary>Refuses connection <paramref name="id"/> (counted, logged) and closes its socket; nothing was forwarded.</summary>
    protected void Refuse(long id, Socket accepted, string reason)
    {
        Metrics.Refused();
        TunnelLog.SessionRefused(Logger, id, accepted.RemoteEndPoint?.ToString() ?? "?", reason);
        accepted.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var s in _open.Values)
        {
            s.Dispose();
        }
        await Task.WhenAll(_running.Values).ConfigureAwait(false);
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
