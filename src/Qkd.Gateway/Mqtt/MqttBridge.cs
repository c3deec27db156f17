using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Qkd.Gateway.Pipeline;

namespace Qkd.Gateway.Mqtt;

/// <summary>
/// One MQTT client connection (MQTTnet, MQTT 5): publishes sealed messages with QoS 1, or subscribes and hands
/// received messages, in arrival order, to a bounded channel. Only ciphertext ever goes through it: gateways call
/// it with sealed messages only. The session is persistent (clean start off, session kept by the broker for
/// <see cref="SessionExpiry"/>): when the connection drops, the bridge reconnects with doubling delays, resubscribes
/// if the broker lost the session, and a publish waits for the connection instead of failing.
/// </summary>
public sealed class MqttBridge : IAsyncDisposable
{
    /// <summary>Topic of a sealed stream: qkd/sealed/{sender SAE}/{device}.</summary>
    public static string TopicOf(string senderSaeId, string deviceId) => Sealing.StreamTopic.Of(senderSaeId, deviceId);

    /// <summary>Filter that matches every sealed stream.</summary>
    public const string AllSealedTopics = "qkd/sealed/#";

    /// <summary>How long the broker keeps this client's session (subscriptions and queued QoS 1 messages) while it is away.</summary>
    public static readonly TimeSpan SessionExpiry = TimeSpan.FromHours(1);

    /// <summary>Longest wait between reconnection attempts.</summary>
    public static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(2);

    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly BrokerAddress _broker;
    private readonly string _brokerText;
    private readonly Channel<ReceivedMessage> _received;
    private readonly List<string> _filters = [];
    private readonly CancellationTokenSource _closing = new();
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reconnectGate = new(1, 1);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _overflows, _reconnects;

    private MqttBridge(IMqttClient client, MqttClientOptions options, BrokerAddress broker, int receiveCapacity, ILogger logger)
    {
        _client = client;
        _options = options;
        _broker = broker;
        _brokerText = broker.ToString();
        _logger = logger;
        ReceiveCapacity = receiveCapacity;
        _received = Channel.CreateBounded<ReceivedMessage>(new BoundedChannelOptions(receiveCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>A message as received from the broker.</summary>
    public sealed record ReceivedMessage(string Topic, byte[] Payload);

    /// <summary>Messages received on subscribed topics, in arrival order.</summary>
    public ChannelReader<ReceivedMessage> Received => _received.Reader;

    /// <summary>Capacity of the receive queue [messages].</summary>
    public int ReceiveCapacity { get; }

    /// <summary>Messages that arrived while the receive queue was full: counted and logged, never dropped silently.</summary>
    public long ReceiveOverflows => Interlocked.Read(ref _overflows);

    /// <summary>Successful reconnections after a lost connection.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Pulsed on connection changes.</summary>
    public ChangeSignal Changed { get; } = new();

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects to a plain mqtt:// broker as <paramref name="clientId"/> (the CLI and the tests use the overload with security).</summary>
    public static Task<MqttBridge> ConnectAsync(BrokerAddress broker, string clientId, CancellationToken ct = default) =>
        ConnectAsync(broker, clientId, null, ct: ct);

    /// <summary>
    /// Connects to <paramref name="broker"/> as <paramref name="clientId"/> (stable across restarts, so the broker can
    /// keep the session). mqtts:// needs <paramref name="security"/> with the CA.
    /// </summary>
    public static async Task<MqttBridge> ConnectAsync(BrokerAddress broker, string clientId, MqttSecurity? security, int receiveCapacity = 100_000,
        ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        if (receiveCapacity < 1)
        {
            throw new ArgumentException($"Receive queue capacity must be at least 1 message, but was {receiveCapacity}.");
        }
        var builder = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval((uint)SessionExpiry.TotalSeconds)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (security?.UserName is { } user)
        {
            builder.WithCredentials(user, security.Password ?? "");
        }
        if (broker.UseTls)
        {
            if (security?.CaPemPath is null)
            {
                throw new ArgumentException($"Broker {broker} uses TLS: give the CA that issued its certificate (--mqtt-ca).");
            }
            var ca = X509CertificateLoader.LoadCertificateFromFile(security.CaPemPath);
            var clientCert = security.LoadClientCertificate();
            var tls = new MqttClientTlsOptionsBuilder().UseTls()
                .WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
                .WithCertificateValidationHandler(e => e.Certificate is X509Certificate2 server
                    && (e.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                    && CustomRootChain.ChainsTo(server, ca, CustomRootChain.ServerAuthOid));
            if (clientCert is not null)
            {
                // Always present it: .NET would otherwise send it only when the server lists its CA among the acceptable issuers.
                tls.WithClientCertificates([clientCert]).WithCertificateSelectionHandler(_ => clientCert);
            }
            builder.WithTlsOptions(tls.Build());
        }
        var client = new MqttClientFactory().CreateMqttClient();
        var bridge = new MqttBridge(client, builder.Build(), broker, receiveCapacity, logger ?? NullLogger.Instance);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var m = new ReceivedMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
            if (!bridge._received.Writer.TryWrite(m))
            {
                var n = Interlocked.Increment(ref bridge._overflows);
                Log.ReceiveOverflow(bridge._logger, m.Topic, bridge.ReceiveCapacity, n);
                bridge.Changed.Pulse();
            }
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += e =>
        {
            if (!bridge._closing.IsCancellationRequested && e.ClientWasConnected)
            {
                Interlocked.Exchange(ref bridge._connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                bridge.Changed.Pulse();
                _ = bridge.ReconnectAsync(e.Reason.ToString());
            }
            return Task.CompletedTask;
        };
        try
        {
            await bridge.ConnectOnceAsync(1, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or IOException)
        {
            client.Dispose();
            throw new IOException($"Cannot connect to the MQTT broker {broker}: {e.Message}", e);
        }
        return bridge;
    }

    private async Task ConnectOnceAsync(int attempt, CancellationToken ct)
    {
        var result = await _client.ConnectAsync(_options, ct).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new IOException($"MQTT broker {_brokerText} refused the connection: {result.ResultCode} {result.ReasonString}");
        }
        if (!result.IsSessionPresent)
        {
            foreach (var filter in _filters.ToArray())
            {
                await SubscribeCoreAsync(filter, ct).ConfigureAwait(false);
            }
        }
        Log.BrokerConnected(_logger, _brokerText, result.IsSessionPresent, attempt);
        _connected.TrySetResult();
        Changed.Pulse();
    }

    /// <summary>Reconnects with doubling delays (100 ms up to <see cref="MaxReconnectDelay"/>) until connected or disposed.</summary>
    private async Task ReconnectAsync(string reason)
    {
        await _reconnectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var delay = TimeSpan.FromMilliseconds(100);
            for (var attempt = 2; !_closing.IsCancellationRequested && !_client.IsConnected; attempt++)
            {
                Log.BrokerLost(_logger, _brokerText, reason, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _closing.Token).ConfigureAwait(false);
                    await ConnectOnceAsync(attempt, _closing.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref _reconnects);
                    return;
                }
                catch (OperationCanceledException) when (_closing.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or IOException or OperationCanceledException)
                {
                    reason = e.Message;
                }
                delay = TimeSpan.FromTicks(Math.Min(MaxReconnectDelay.Ticks, delay.Ticks * 2));
            }
        }
        finally
        {
            _reconnectGate.Release();
        }
    }

    /// <summary>
    /// Publishes <paramref name="payload"/> on <paramref name="topic"/> with QoS 1 (at least once). While the broker is
    /// away it waits for the reconnection and tries again, so it returns only once the broker has acknowledged.
    /// </summary>
    public async Task PublishAsync(string topic, byte[] payload, CancellationToken ct = default)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        while (true)
        {
            await Volatile.Read(ref _connected).Task.WaitAsync(ct).ConfigureAwait(false);
            MqttClientPublishResult result;
            try
            {
                result = await _client.PublishAsync(message, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException
                                          or MQTTnet.Exceptions.MqttClientDisconnectedException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // The connection dropped under the publish: wait for the reconnection and send it again (QoS 1: a duplicate is refused as a replay).
                if (_client.IsConnected)
                {
                    await Task.Delay(50, ct).ConfigureAwait(false);
                }
                continue;
            }
            if (!result.IsSuccess)
            {
                throw new IOException($"MQTT broker refused a publish on {topic}: {result.ReasonCode} {result.ReasonString}");
            }
            return;
        }
    }

    /// <summary>
    /// Publishes <paramref name="payload"/> with QoS 0 (at most once) if connected, without waiting for a reconnection;
    /// false when it was not sent (not connected, or the connection dropped under it).
    /// </summary>
    public async Task<bool> TryPublishAtMostOnceAsync(string topic, byte[] payload, CancellationToken ct = default)
    {
        if (!_client.IsConnected)
        {
            return false;
        }
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build();
        try
        {
            var result = await _client.PublishAsync(message, ct).ConfigureAwait(false);
            return result.IsSuccess;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException
                                      or MQTTnet.Exceptions.MqttClientDisconnectedException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Subscribes to <paramref name="topicFilter"/> with QoS 1 (kept across reconnections).</summary>
    public async Task SubscribeAsync(string topicFilter, CancellationToken ct = default)
    {
        _filters.Add(topicFilter);
        await SubscribeCoreAsync(topicFilter, ct).ConfigureAwait(false);
    }

    private async Task SubscribeCoreAsync(string topicFilter, CancellationToken ct)
    {
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(topicFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build();
        var result = await _client.SubscribeAsync(options, ct).ConfigureAwait(false);
        foreach (var item in result.Items)
        {
            if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
            {
                throw new IOException($"MQTT broker {_broker} refused the subscription to {topicFilter}: {item.ResultCode}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync().ConfigureAwait(false);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
            }
        }
        _client.Dispose();
        _received.Writer.TryComplete();
        _closing.Dispose();
    }
}
