using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Qkd.Gateway.Tunnel;

/// <summary>The steps both carried-connection sessions (<see cref="TunnelSession"/>, <see cref="SegmentedTunnelSession"/>) take the same way.</summary>
internal static class SessionSteps
{
    /// <summary>
    /// Sends a TLS 1.3 KeyUpdate on <paramref name="tls"/>, timed (the caller holds its write lock, so the time is the
    /// stall it costs the stream), counted and logged; false when the connection failed.
    /// </summary>
    public static bool KeyUpdate(IKeyUpdatingProtocol tls, long id, TunnelMetrics metrics, ILogger logger)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            tls.UpdateKeys();
        }
        catch (IOException)
        {
            return false;
        }
        var held = Stopwatch.GetElapsedTime(start);
        metrics.KeyUpdated(held);
        TunnelLog.KeyUpdated(logger, id, held.TotalMilliseconds);
        return true;
    }

    /// <summary>Writes <paramref name="n"/> verified plaintext bytes to the plaintext socket, timed and counted as inbound.</summary>
    public static void ToPlain(Socket plain, byte[] buffer, int n, TunnelMetrics metrics)
    {
        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < n;)
        {
            sent += plain.Send(buffer, sent, n - sent, SocketFlags.None);
        }
        metrics.ForwardMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        metrics.AddIn(n);
    }

    /// <summary>Shuts down and closes the plaintext socket, whatever state it is in.</summary>
    public static void ClosePlain(Socket plain)
    {
        try
        {
            plain.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        plain.Close();
    }
}
