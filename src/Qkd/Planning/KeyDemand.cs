namespace Qkd.Planning;

/// <summary>The key consumption behind one link: N devices each refreshing one key of a given size periodically.</summary>
public sealed record KeyDemand
{
    /// <summary>Number of devices (sensors, encryptors) served by the link, within [0, 1e9].</summary>
    public long Devices { get; }

    /// <summary>Each device takes one new key every this many seconds, within (0, 1e9] s (seed 002: 30 s).</summary>
    public double RefreshSeconds { get; }

    /// <summary>Key size [bits], within [1, 1e6] (256 for AES-256).</summary>
    public double KeyBits { get; }

    public KeyDemand(long devices, double refreshSeconds, double keyBits = 256)
    {
        Devices = Guard.InRange(devices, 0, 1_000_000_000, "Number of devices");
        RefreshSeconds = Guard.InRange(refreshSeconds, 1e-6, 1e9, "s", "Key refresh period");
        KeyBits = Guard.InRange(keyBits, 1, 1e6, "bits", "Key size");
    }

    /// <summary>Keys needed per second = devices / refresh period.</summary>
    public double KeysPerSecond => Devices / RefreshSeconds;

    /// <summary>Secret bits needed per second = keys per second x key size.</summary>
    public double BitsPerSecond => KeysPerSecond * KeyBits;
}
