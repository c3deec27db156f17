namespace Qkd.Gateway.Mqtt;

/// <summary>
/// An MQTT broker address parsed from mqtt://host:port (port 1883 when absent) or mqtts://host:port (MQTT over TLS,
/// port 8883 when absent).
/// </summary>
public sealed record BrokerAddress(string Host, int Port, bool UseTls = false)
{
    public static BrokerAddress Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts") || uri.Host.Length == 0
            || uri.AbsolutePath is not ("" or "/") || uri.UserInfo.Length != 0)
        {
            throw new ArgumentException($"Broker address must look like mqtt://host:port or mqtts://host:port (credentials go in options, not the URL), but was '{url}'.");
        }
        var tls = uri.Scheme == "mqtts";
        return new BrokerAddress(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? (tls ? 8883 : 1883) : uri.Port, tls);
    }

    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{Host}:{Port}";
}
