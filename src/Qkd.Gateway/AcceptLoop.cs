using System.Net.Sockets;

namespace Qkd.Gateway;

/// <summary>The accept loop the small TCP servers share: hands every accepted socket to a callback until the listener stops.</summary>
internal static class AcceptLoop
{
    /// <summary>Accepts until <paramref name="ct"/> is cancelled or the listener is stopped; the callback owns each socket.</summary>
    public static async Task RunAsync(TcpListener listener, Action<Socket> accepted, CancellationToken ct)
    {
        while (true)
        {
            Socket s;
            try
            {
                s = await listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            accepted(s);
        }
    }
}
