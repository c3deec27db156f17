using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Tests.Support;
using Qkd.Gateway.Tunnel;

namespace Qkd.Gateway.Tests.Tunnel;

/// <summary>
/// Both tunnel ends on loopback against a real development KMS network: the edge listener (SAE_B) forwarding
/// to a forward address, and the plant connector (SAE_A) whose local address the test connects to.
/// </summary>
public sealed class TunnelPair : IAsyncDisposable
{
    private readonly EtsiKeyClient _a;
    private readonly EtsiKeyClient _b;

    private TunnelPair(EtsiKeyClient a, EtsiKeyClient b, TunnelListener edge, TunnelConnector plant)
    {
        _a = a;
        _b = b;
        Edge = edge;
        Plant = plant;
    }

    public TunnelListener Edge { get; }
    public TunnelConnector Plant { get; }

    public static TunnelPair Start(Testbed bed, EndPoint forward, TunnelSettings? plantSettings = null, TunnelSettings? edgeSettings = null,
        TimeProvider? time = null, ILoggerFactory? logs = null)
    {
        time ??= TimeProvider.System;
        var logger = logs?.CreateLogger("tunnel") ?? NullLogger.Instance;
        var a = bed.Client("SAE_A");
        var b = bed.Client("SAE_B");
        var edgeMetrics = new TunnelMetrics();
        var plantMetrics = new TunnelMetrics();
        var edge = new TunnelListener(new IPEndPoint(IPAddress.Loopback, 0), forward,
            new TunnelKeySource(b, "SAE_A", edgeMetrics, logger, time), edgeSettings ?? new TunnelSettings(), edgeMetrics, logger, time);
        edge.Start();
        var plant = new TunnelConnector(new IPEndPoint(IPAddress.Loopback, 0), edge.LocalEndpoint,
            new TunnelKeySource(a, "SAE_B", plantMetrics, logger, time), plantSettings ?? new TunnelSettings(), plantMetrics, logger, time);
        plant.Start();
        return new TunnelPair(a, b, edge, plant);
    }

    public async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(Plant.LocalEndpoint);
        return s;
    }

    public async ValueTask DisposeAsync()
    {
        await Plant.DisposeAsync();
        await Edge.DisposeAsync();
        _a.Dispose();
        _b.Dispose();
    }
}
