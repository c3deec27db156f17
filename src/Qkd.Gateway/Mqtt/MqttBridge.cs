using System.Buffers;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace Qkd.Gateway.Mqtt;

/// <summary>
/// One MQTT client connection (MQTTnet): publishes sealed messages with QoS 1, or subscribes and hands
/// received messages, in arrival order, to a bounded channel. Only ciphertext ever goes through it:
/// gateways call it with sealed messages only.
/// </summary>
public sealed class MqttBridge : IAsyncDisposable
{
    /// <summary>Topic of a sealed stream: qkd/sealed/{sender SAE}/{device}.</summary>
    public static string TopicOf(string senderSaeId, string deviceId) => $"qkd/sealed/{senderSaeId}/{deviceId}";

    /// <summary>Filter that matches every sealed stream.</summary>
    public const string AllSealedTopics = "qkd/sealed/#";

    private readonly IMqttClient _client;
    private readonly Channel<ReceivedMessage> _received = Channel.CreateBounded<ReceivedMessage>(new BoundedChannelOptions(100_000) { SingleReader = true });

    private MqttBridge(IMqttClient client) => _client = client;

    /// <summary>A message as received from the broker.</summary>
    public sealed record ReceivedMessage(string Topic, byte[] Payload);

    /// <summary>Messages received on subscribed topics, in arrival order.</summary>
    public ChannelReader<ReceivedMessage> Received => _received.Reader;

    /// <summary>Connects to <paramref name="broker"/> as <paramref name="clientId"/>.</summary>
    public static async Task<MqttBridge> ConnectAsync(BrokerAddress broker, string clientId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var client = new MqttClientFactory().CreateMqttClient();
        var bridge = new MqttBridge(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            bridge._received.Writer.TryWrite(new ReceivedMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId(clientId).WithCleanSession().Build();
        try
        {
            await client.ConnectAsync(options, ct).ConfigureAwait(false);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException e)
        {
            client.Dispose();
            throw new IOException($"Cannot connect to the MQTT broker {broker}: {e.Message}", e);
        }
        return bridge;
    }

    /// <summary>Publishes <paramref name="payload"/> on <paramref name="topic"/> with QoS 1 (at least once).</summary>
    public async Task PublishAsync(string topic, byte[] payload, CancellationToken ct = default)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        MqttClientPublishResult result;
        try
        {
            result = await _client.PublishAsync(message, ct).ConfigureAwait(false);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException e)
        {
            throw new IOException($"MQTT publish on {topic} failed: {e.Message}", e);
        }
        if (!result.IsSuccess)
        {
            throw new IOException($"MQTT broker refused a publish on {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <summary>Subscribes to <paramref name="topicFilter"/> with QoS 1.</summary>
    public async Task SubscribeAsync(string topicFilter, CancellationToken ct = default)
    {
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(topicFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build();
        await _client.SubscribeAsync(options, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }
        _client.Dispose();
        _received.Writer.TryComplete();
    }
}
