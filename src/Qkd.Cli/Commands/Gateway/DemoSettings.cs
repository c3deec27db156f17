using Qkd.Gateway.Sealing;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>Sealing-mode names as the gateway commands spell them.</summary>
public static class DemoSettings
{
    /// <summary>Mode name as on the command line.</summary>
    public static string NameOf(SealingMode mode) => Qkd.Testbed.Testbed.ModeName(mode);

    public static SealingMode ModeOf(string name) => name switch
    {
        "aes-gcm" => SealingMode.AesGcm,
        "otp" => SealingMode.Otp,
        "hybrid" => SealingMode.Hybrid,
        "ascon" => SealingMode.Ascon,
        _ => throw new UsageException($"--mode must be one of aes-gcm, otp, hybrid, ascon, but was '{name}'."),
    };
}
