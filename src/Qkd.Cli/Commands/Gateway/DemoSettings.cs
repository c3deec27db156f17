using Qkd.Gateway.Sealing;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>What `qkd demo` runs, validated once by the command.</summary>
public sealed record DemoSettings(double DurationSeconds, SealingMode Mode, int Sensors, string OutDirectory, ulong Seed)
{
    /// <summary>Secret-key rate of the simulated QKD link: the Turin testbed's 1.3 kbit/s (seed 002, Fig. 5a).</summary>
    public double LinkRateBitsPerSecond { get; init; } = 1300;

    /// <summary>Key refresh (AES-GCM, hybrid): one key per 30 s per device by default (seed 002).</summary>
    public KeyRefreshPolicy Refresh { get; init; } = KeyRefreshPolicy.Default;

    /// <summary>OTP key request size [bits].</summary>
    public int OtpKeyBits { get; init; } = 8192;

    /// <summary>Messages a sender holds while it has no key.</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Mode name as on the command line.</summary>
    public static string NameOf(SealingMode mode) => mode switch
    {
        SealingMode.AesGcm => "aes-gcm",
        SealingMode.Otp => "otp",
        _ => "hybrid",
    };

    public static SealingMode ModeOf(string name) => name switch
    {
        "aes-gcm" => SealingMode.AesGcm,
        "otp" => SealingMode.Otp,
        "hybrid" => SealingMode.Hybrid,
        _ => throw new UsageException($"--mode must be one of aes-gcm, otp, hybrid, but was '{name}'."),
    };
}
