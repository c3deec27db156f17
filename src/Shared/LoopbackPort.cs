using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Qkd.Hosting;

/// <summary>
/// Picks a TCP port on 127.0.0.1 for a server that will bind it a moment later (the dev KMEs, the embedded broker),
/// when the port must be known before the server starts. Source-linked into Qkd.Kms and Qkd.Gateway.
/// </summary>
/// <remarks>
/// A port the kernel hands out for port 0 comes from its ephemeral range, the range every outgoing connection takes
/// its local port from: between the pick and the server's bind, any client socket on the machine can take it
/// ("address already in use"; seen on a test run with many HTTPS clients). So the pick is a random port that binds,
/// below the ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range, 32768 by default; 49152 elsewhere, the
/// IANA dynamic range), where no outgoing connection goes; the kernel's choice only when 64 candidates were taken.
/// </remarks>
internal static class LoopbackPort
{
    /// <summary>Lowest port of the range picked from.</summary>
    private const int Lowest = 10_000;

    public static int Pick()
    {
        var top = Math.Max(EphemeralLow(), Lowest + 1_000);
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var port = Random.Shared.Next(Lowest, top);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var chosen = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return chosen;
    }

    /// <summary>First port of the kernel's ephemeral range.</summary>
    private static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            if (File.Exists(range)
                && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var low))
            {
                return low;
            }
        }
        catch (IOException)
        {
            // Unreadable: the IANA default below.
        }
        return 49_152;
    }
}
