using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Qkd.Gateway.Mqtt;

/// <summary>Options of the embedded broker: plain or TLS (with client certificates), user names, topic ACL.</summary>
public sealed record EmbeddedBrokerOptions
{
    /// <summary>Record every published message (topic, payload) so a test or the demo can show what crossed the network.</summary>
    public bool Record { get; init; } = true;

    /// <summary>TLS: the broker's certificate and CA (<see cref="BrokerCertificates.Create"/>); clients must present a certificate of that CA. Null: plain MQTT.</summary>
    public BrokerCertificates.Result? Tls { get; init; }

    /// <summary>User names and passwords accepted (compared in constant time); with TLS a client certificate also identifies a client.</summary>
    public IReadOnlyDictionary<string, string>? Passwords { get; init; }

    /// <summary>Topics each identity may use; null: any client may use any topic.</summary>
    public BrokerAcl? Acl { get; init; }
}

/// <summary>
/// The embedded default broker: an MQTTnet server on a loopback TCP port, in this process, with persistent sessions
/// (QoS 1 messages for an absent subscriber are queued in memory). Optionally TLS with client certificates, user
/// names and passwords, and an ACL (<see cref="EmbeddedBrokerOptions"/>). It records every application message it
/// receives, and can be stopped and started again on the same port with its sessions (<see cref="PauseAsync"/>,
/// <see cref="ResumeAsync"/>) or without them (<see cref="StopForgettingSessionsAsync"/>).
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private MqttServer _server;
    private readonly ConcurrentQueue<MqttBridge.ReceivedMessage> _seen = new();
    private readonly ConcurrentDictionary<string, string> _identities = new(StringComparer.Ordinal);
    private readonly EmbeddedBrokerOptions _options;
    private int _subscriptions;
    private long _refused;

    private EmbeddedBroker(int port, EmbeddedBrokerOptions options)
    {
        _options = options;
        Address = new BrokerAddress("127.0.0.1", port, options.Tls is not null);
        _server = CreateServer();
    }

    public BrokerAddress Address { get; }

    /// <summary>Topic subscriptions made so far (pulses <see cref="Changed"/>).</summary>
    public int Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>Connections, publishes and subscriptions refused by authentication or the ACL.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Pulsed when a client subscribes or something is refused.</summary>
    public Pipeline.ChangeSignal Changed { get; } = new();

    /// <summary>Every message published to the broker, in arrival order.</summary>
    public IReadOnlyCollection<MqttBridge.ReceivedMessage> Seen => _seen;

    public bool IsRunning => _server.IsStarted;

    /// <summary>Starts a plain broker on 127.0.0.1 at a free port.</summary>
    public static Task<EmbeddedBroker> StartAsync(bool record = true) => StartAsync(new EmbeddedBrokerOptions { Record = record });

    /// <summary>Starts a broker on 127.0.0.1 at a free port with <paramref name="options"/>.</summary>
    public static async Task<EmbeddedBroker> StartAsync(EmbeddedBrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var broker = new EmbeddedBroker(FreePort(), options);
        await broker._server.StartAsync().ConfigureAwait(false);
        return broker;
    }

    /// <summary>A new MQTTnet server on <see cref="Address"/>'s port, with no sessions, wired to this broker's checks and records.</summary>
    private MqttServer CreateServer()
    {
        var options = _options;
        var port = Address.Port;
        var builder = new MqttServerOptionsBuilder().WithPersistentSessions();
        if (options.Tls is { } tls)
        {
            var serverCert = new MqttSecurity(null, tls.Broker.CertPath, tls.Broker.KeyPath).LoadClientCertificate()!;
            var ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaCertPath);
            builder.WithoutDefaultEndpoint().WithEncryptedEndpoint().WithEncryptedEndpointBoundIPAddress(IPAddress.Loopback).WithEncryptedEndpointPort(port)
                .WithEncryptionCertificate(new FixedCertificate(serverCert))
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
                // A client certificate is asked for; one that is presented must chain to the CA. A client without one
                // must then authenticate with a user name and password (ValidateConnection), or it has no identity.
                .WithClientCertificate((_, cert, _, _) => cert is null || (cert is X509Certificate2 c && CustomRootChain.ChainsTo(c, ca, CustomRootChain.ClientAuthOid)));
        }
        else
        {
            builder.WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointPort(port);
        }
        var server = new MqttServerFactory().CreateMqttServer(builder.Build());
        var broker = this;
        server.ValidatingConnectionAsync += broker.ValidateConnection;
        server.InterceptingPublishAsync += e =>
        {
            if (options.Acl is { } acl && !acl.MayPublish(broker.IdentityOf(e.ClientId), e.ApplicationMessage.Topic))
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
                broker.OnRefused();
                return Task.CompletedTask;
            }
            if (options.Record)
            {
                broker._seen.Enqueue(new MqttBridge.ReceivedMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            }
            return Task.CompletedTask;
        };
        server.InterceptingSubscriptionAsync += e =>
        {
            if (options.Acl is { } acl && !acl.MaySubscribe(broker.IdentityOf(e.ClientId), e.TopicFilter.Topic))
            {
                e.ProcessSubscription = false;
                e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
                broker.OnRefused();
            }
            return Task.CompletedTask;
        };
        server.ClientSubscribedTopicAsync += _ =>
        {
            Interlocked.Increment(ref broker._subscriptions);
            broker.Changed.Pulse();
            return Task.CompletedTask;
        };
        return server;
    }

    private Task ValidateConnection(ValidatingConnectionEventArgs e)
    {
        string? identity = null;
        if (e.ClientCertificate is { } cert)
        {
            identity = cert.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        }
        if (_options.Passwords is { } passwords && e.UserName is { Length: > 0 } user)
        {
            if (!passwords.TryGetValue(user, out var expected) || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(e.Password ?? "")))
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
                OnRefused();
                return Task.CompletedTask;
            }
            if (identity is not null && identity != user)
            {
                e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
                OnRefused();
                return Task.CompletedTask;
            }
            identity = user;
        }
        var needsIdentity = _options.Passwords is not null || _options.Acl is not null;
        if (needsIdentity && (identity is null || (_options.Acl is { } acl && !acl.IsKnown(identity))))
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            OnRefused();
            return Task.CompletedTask;
        }
        if (identity is not null)
        {
            _identities[e.ClientId] = identity;
        }
        return Task.CompletedTask;
    }

    private string? IdentityOf(string clientId) => _identities.GetValueOrDefault(clientId);

    private void OnRefused()
    {
        Interlocked.Increment(ref _refused);
        Changed.Pulse();
    }

    /// <summary>Stops accepting connections (clients see the broker go away); sessions are kept for <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => _server.StopAsync();

    /// <summary>
    /// Stops like a broker that keeps nothing across a restart (no persistence, or a replaced broker): every session,
    /// subscription and queued message is gone when <see cref="ResumeAsync"/> listens again on the same port.
    /// </summary>
    public async Task StopForgettingSessionsAsync()
    {
        if (_server.IsStarted)
        {
            await _server.StopAsync().ConfigureAwait(false);
        }
        _server.Dispose();
        _server = CreateServer();
    }

    /// <summary>Listens again on the same port after <see cref="PauseAsync"/> or <see cref="StopForgettingSessionsAsync"/>.</summary>
    public Task ResumeAsync() => _server.StartAsync();

    /// <summary>The broker's certificate with its private key, loaded once.</summary>
    private sealed class FixedCertificate(X509Certificate2 certificate) : MQTTnet.Certificates.ICertificateProvider
    {
        public X509Certificate2 GetCertificate() => certificate;
    }

    private static int FreePort() => Qkd.Hosting.LoopbackPort.Pick();

    public async ValueTask DisposeAsync()
    {
        if (_server.IsStarted)
        {
            await _server.StopAsync().ConfigureAwait(false);
        }
        _server.Dispose();
    }
}
