namespace Qkd.Gateway.Mqtt;

/// <summary>
/// Which topics each authenticated client may use: an identity (the common name of its TLS client certificate, or
/// its MQTT user name) may publish under its own prefixes and subscribe to its own filters only; anything else,
/// and any client without an identity in the list, is refused.
/// </summary>
public sealed class BrokerAcl
{
    private readonly Dictionary<string, (string[] Publish, string[] Subscribe)> _rules = new(StringComparer.Ordinal);

    /// <summary>Allows <paramref name="identity"/> to publish under <paramref name="publishPrefixes"/> and subscribe to exactly <paramref name="subscribeFilters"/>.</summary>
    public BrokerAcl Allow(string identity, IEnumerable<string> publishPrefixes, IEnumerable<string> subscribeFilters)
    {
        _rules[identity] = ([.. publishPrefixes], [.. subscribeFilters]);
        return this;
    }

    /// <summary>
    /// The gateways' rule: each sender SAE publishes only its own streams (qkd/sealed/{SAE}/...), each receiver
    /// subscribes only to the streams of the senders it accepts (qkd/sealed/{sender}/#). Edge acknowledgements flow back:
    /// a receiver may publish under qkd/ack/{sender}/ of the senders it accepts, a sender subscribe to qkd/ack/{SAE}/# only.
    /// </summary>
    public static BrokerAcl ForGateways(IEnumerable<string> senders, IReadOnlyDictionary<string, IReadOnlyList<string>> receiversToSenders)
    {
        ArgumentNullException.ThrowIfNull(senders);
        ArgumentNullException.ThrowIfNull(receiversToSenders);
        var acl = new BrokerAcl();
        foreach (var s in senders)
        {
            acl.Allow(s, [$"qkd/sealed/{s}/"], [Sealing.EdgeAck.FilterOf(s)]);
        }
        foreach (var (receiver, from) in receiversToSenders)
        {
            acl.Allow(receiver, from.Select(s => $"qkd/ack/{s}/"), from.Select(s => $"qkd/sealed/{s}/#"));
        }
        return acl;
    }

    public bool IsKnown(string? identity) => identity is not null && _rules.ContainsKey(identity);

    public bool MayPublish(string? identity, string topic) =>
        identity is not null && _rules.TryGetValue(identity, out var r) && !topic.Contains('+') && !topic.Contains('#')
        && r.Publish.Any(p => topic.StartsWith(p, StringComparison.Ordinal));

    public bool MaySubscribe(string? identity, string filter) =>
        identity is not null && _rules.TryGetValue(identity, out var r) && r.Subscribe.Contains(filter, StringComparer.Ordinal);
}
