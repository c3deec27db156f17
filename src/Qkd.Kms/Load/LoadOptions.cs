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

    /// <summary>
    /// When set, every measured request is written to this CSV file (request, scheduled_ms, dispatch_lag_ms,
    /// latency_ms, status; times from the start of the measured period), so a tail can be placed in time.
    /// </summary>
    public string? LatencyCsv { get; init; }

    /// <summary>The HTTP client that sends the measured requests (<see cref="LoadClient.Lean"/> unless asked otherwise).</summary>
    public LoadClient Client { get; init; } = LoadClient.Lean;
}
