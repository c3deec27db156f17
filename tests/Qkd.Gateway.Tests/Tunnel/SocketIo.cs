using System.Net.Sockets;

namespace Qkd.Gateway.Tests.Tunnel;

/// <summary>Exact-length reads for tests; a read that ends early returns fewer bytes (EOF).</summary>
public static class SocketIo
{
    public static async Task<int> ReadExactlyAsync(Socket s, Memory<byte> buffer, CancellationToken ct = default)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await s.ReceiveAsync(buffer[total..], ct);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    /// <summary>Reads until the peer closes (EOF or reset); returns the number of bytes that arrived before.</summary>
    public static async Task<int> ReadUntilClosedAsync(Socket s)
    {
        var buffer = new byte[4096];
        var total = 0;
        try
        {
            int n;
            while ((n = await s.ReceiveAsync(buffer)) > 0)
            {
                total += n;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
        return total;
    }
}
