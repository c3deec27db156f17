using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace Qkd.Gateway.Mqtt;

/// <summary>
/// The embedded default broker: an MQTTnet server on a loopback TCP port, in this process. It records
/// every application message it receives (topic, payload) so that a test or the demo can show exactly
/// what crossed the network.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly ConcurrentQueue<MqttBridge.ReceivedMessage> _seen = new();

    private EmbeddedBroker(MqttServer server, int port)
    {
        _server = server;
        Address = new BrokerAddress("127.0.0.1", port);
    }

    public BrokerAddress Address { get; }

    /// <summary>Topic subscriptions made so far (pulses <see cref="Changed"/>).</summary>
    public int Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>Pulsed when a client subscribes.</summary>
    public Pipeline.ChangeSignal Changed { get; } = new();

    private int _subscriptions;

    /// <summary>Every message published to the broker, in arrival order.</summary>
    public IReadOnlyCollection<MqttBridge.ReceivedMessage> Seen => _seen;

    /// <summary>Starts a broker on 127.0.0.1 at a free port.</summary>
    public static async Task<EmbeddedBroker> StartAsync(bool record = true)
    {
        var port = FreePort();
        var options = new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port).Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        var broker = new EmbeddedBroker(server, port);
        if (record)
        {
            server.InterceptingPublishAsync += e =>
            {
                broker._seen.Enqueue(new MqttBridge.ReceivedMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
                return Task.CompletedTask;
            };
        }
        server.ClientSubscribedTopicAsync += _ =>
        {
            Interlocked.Increment(ref broker._subscriptions);
            broker.Changed.Pulse();
            return Task.CompletedTask;
        };
        await server.StartAsync().ConfigureAwait(false);
        return broker;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        _server.Dispose();
    }
}
