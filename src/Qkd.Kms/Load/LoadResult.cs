namespace Qkd.Kms.Load;

/// <summary>
/// Result of a load run; latencies in milliseconds, measured from each request's scheduled start.
/// DispatchLag* is the generator's own part of them: from the scheduled start to the moment the
/// request was handed to the HTTP client (timer precision and this process's scheduling).
/// </summary>
public sealed record LoadResult(long Requests, long Ok, long Errors, long Unavailable, double DurationSeconds, double AchievedRequestsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, double TargetRatePerSecond, int Connections,
    double DispatchLagP50Ms, double DispatchLagP99Ms)
{
    /// <summary>The KME's own enc_keys percentiles over the measured period (its /metrics histogram), ms; NaN when not scraped.</summary>
    public double ServerP50Ms { get; init; } = double.NaN;
    public double ServerP90Ms { get; init; } = double.NaN;
    public double ServerP99Ms { get; init; } = double.NaN;

    /// <summary>enc_keys requests the KME recorded over the measured period.</summary>
    public double ServerRequests { get; init; }

    /// <summary>Time the KME's process was paused for garbage collection over the measured period, ms.</summary>
    public double ServerGcPauseMs { get; init; }

    /// <summary>Garbage collections of the KME's process over the measured period.</summary>
    public double ServerGcCollections { get; init; }

    /// <summary>CPU time of the KME's process per measured request, ms (with `kms dev`: both KMEs, one process).</summary>
    public double ServerCpuMsPerRequest { get; init; } = double.NaN;

    /// <summary>Bytes the KME's process allocated per measured request (with `kms dev`: both KMEs).</summary>
    public double ServerAllocatedBytesPerRequest { get; init; } = double.NaN;

    /// <summary>CPU time of the load generator's process per measured request, ms.</summary>
    public double ClientCpuMsPerRequest { get; init; }

    /// <summary>Bytes the load generator's process allocated per measured request.</summary>
    public double ClientAllocatedBytesPerRequest { get; init; }

    /// <summary>Time the load generator's own process was paused for garbage collection over the measured period, ms (part of the client latencies).</summary>
    public double ClientGcPauseMs { get; init; }

    /// <summary>Garbage collections of the load generator's process over the measured period.</summary>
    public double ClientGcCollections { get; init; }

    /// <summary>The HTTP client that sent the requests: "lean" or "httpclient" (<see cref="LoadClient"/>).</summary>
    public string Client { get; init; } = "lean";
}
