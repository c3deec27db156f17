namespace Qkd.Kms.Load;

/// <summary>Parameters of an open-loop <c>enc_keys</c> load run.</summary>
public sealed record LoadOptions(Uri KmeUrl, string CaPem, string CertPem, string KeyPem, string SlaveSae,
    double RatePerSecond, TimeSpan Duration, int Number, int SizeBits, int Connections)
{
    /// <summary>
    /// Load at the same rate before the measured period, not counted: a freshly started server is still
    /// compiling its hot paths (tiered JIT) for several seconds, which is not its steady state.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;
}
