namespace Qkd.Gateway.Sealing;

/// <summary>
/// When an AES-GCM or hybrid sender takes a fresh QKD key: after <see cref="MaxKeyAge"/> or after
/// <see cref="MaxMessagesPerKey"/> messages, whichever comes first. The default, one key per 30 s per
/// device, is the refresh rate of the Turin testbed (seed 002, section 3: "a refresh key rate of 1 AES-256
/// key every 30 s"). The OTP mode ignores it: there every message consumes fresh key bits.
/// </summary>
public sealed record KeyRefreshPolicy
{
    public KeyRefreshPolicy(TimeSpan maxKeyAge, long maxMessagesPerKey)
    {
        if (maxKeyAge <= TimeSpan.Zero || maxKeyAge > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"Key refresh age must be within (0, 86400] s, but was {maxKeyAge.TotalSeconds} s.");
        }
        if (maxMessagesPerKey < 1)
        {
            throw new ArgumentException($"Messages per key must be at least 1, but was {maxMessagesPerKey}.");
        }
        MaxKeyAge = maxKeyAge;
        MaxMessagesPerKey = maxMessagesPerKey;
    }

    public TimeSpan MaxKeyAge { get; }

    public long MaxMessagesPerKey { get; }

    /// <summary>One key per 30 s, no message limit (seed 002).</summary>
    public static KeyRefreshPolicy Default { get; } = new(TimeSpan.FromSeconds(30), long.MaxValue);
}
