using System.Net;
using System.Net.Sockets;
using Qkd.Kms.Dev;

namespace Qkd.Kms.Tests.Peering;

public class FreePortTests
{
    [Fact]
    public void FreePort_IsBelowTheEphemeralRange_AndBindable()
    {
        // A dev KME's port must not come from the range client sockets take their local ports from, or an outgoing
        // connection can take it between the pick and Kestrel's bind ("address already in use" on a busy test run).
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var low = File.Exists(range) ? int.Parse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture) : 49_152;
        for (var i = 0; i < 20; i++)
        {
            var port = DevNetwork.FreePort();
            Assert.InRange(port, 10_000, Math.Max(low, 11_000) - 1);
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }
}
