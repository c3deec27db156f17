namespace Qkd.Gateway.Mqtt;

/// <summary>An MQTT broker address parsed from mqtt://host:port (port 1883 when absent).</summary>
public sealed record BrokerAddress(string Host, int Port)
{
    public static BrokerAddress Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "mqtt" || uri.Host.Length == 0 || uri.AbsolutePath is not ("" or "/"))
        {
            throw new ArgumentException($"Broker address must look like mqtt://host:port, but was '{url}'.");
        }
        return new BrokerAddress(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 1883 : uri.Port);
    }

    public override string ToString() => $"mqtt://{Host}:{Port}";
}
