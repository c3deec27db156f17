using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// The baseline for the tunnel's performance figures: a TCP forwarder written the same way (same accept loop,
/// same <see cref="TunnelSession"/> copy loops and chunk size) with no TLS, so the ratio of the two isolates the
/// cost of the cryptography. Never used to carry plant traffic.
/// </summary>
public sealed class PlainForwarder(IPEndPoint listen, EndPoint forward, TunnelMetrics metrics, ILogger logger, TimeProvider time)
    : TunnelEndpoint(listen, new TunnelSettings { RekeyInterval = TimeSpan.Zero }, metrics, logger, time)
{
    protected override async Task CarryAsync(long id, Socket accepted, CancellationToken ct)
    {
        var target = Tcp(forward.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : forward.AddressFamily);
        Track(id, target);
        await target.ConnectAsync(forward, ct).ConfigureAwait(false);
        Metrics.Established(0);
        await Task.Factory.StartNew(() => new TunnelSession(id, accepted, new PlainTransport(target), Settings, Metrics, Logger, Time).Run(),
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    private sealed class PlainTransport(Socket socket) : IKeyUpdatingProtocol
    {
        public Stream Stream { get; } = new NetworkStream(socket, ownsSocket: true);

        public void UpdateKeys()
        {
        }

        public void Close() => Stream.Dispose();
    }
}
