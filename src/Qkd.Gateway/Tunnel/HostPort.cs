using System.Globalization;
using System.Net;

namespace Qkd.Gateway.Tunnel;

/// <summary>Parses HOST:PORT (IPv4, [IPv6] or a DNS name; port 0..65535) for the tunnel's addresses.</summary>
public static class HostPort
{
    /// <summary>An endpoint for <paramref name="text"/>; <see cref="ArgumentException"/> naming <paramref name="parameter"/> otherwise.</summary>
    public static EndPoint Parse(string text, string parameter)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"{parameter} must be HOST:PORT with a port within [0, 65535], but was '{text}'.", parameter);
        }
        var host = text[..colon].Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }

    /// <summary>A local address to bind: an IP literal (a name is resolved to its first address).</summary>
    public static IPEndPoint ParseBindable(string text, string parameter)
    {
        var ep = Parse(text, parameter);
        if (ep is IPEndPoint ip)
        {
            return ip;
        }
        var dns = (DnsEndPoint)ep;
        var addresses = Dns.GetHostAddresses(dns.Host);
        if (addresses.Length == 0)
        {
            throw new ArgumentException($"{parameter} host '{dns.Host}' does not resolve to an address.", parameter);
        }
        return new IPEndPoint(addresses[0], dns.Port);
    }
}
