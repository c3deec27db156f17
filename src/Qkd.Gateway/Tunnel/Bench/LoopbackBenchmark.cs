using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Qkd.Gateway.Etsi;

namespace Qkd.Gateway.Tunnel;

/// <summary>What <see cref="LoopbackBenchmark"/> measures; sizes validated once here.</summary>
public sealed record LoopbackBenchmarkOptions
{
    /// <summary>Bytes sent in one bulk stream per path.</summary>
    public long BulkBytes { get; init; } = 256L << 20;

    /// <summary>Request/response round trips timed per path (after <see cref="WarmupRoundTrips"/>).</summary>
    public int RoundTrips { get; init; } = 5000;

    public int WarmupRoundTrips { get; init; } = 500;

    /// <summary>Request and response size [bytes] (a 100-byte reading).</summary>
    public int MessageBytes { get; init; } = 100;

    /// <summary>KeyUpdate period of the rekey run (forced far more often than in service to measure the stall).</summary>
    public TimeSpan RekeyInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Fresh-key period of the fresh-key run (ours; forced far more often than in service to measure the stall).</summary>
    public TimeSpan FreshKeyInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public TunnelSettings Tunnel { get; init; } = new();

    public LoopbackBenchmarkOptions Validated()
    {
        if (BulkBytes is < 1 or > 1L << 40 || RoundTrips is < 10 or > 10_000_000 || WarmupRoundTrips is < 0 or > 1_000_000 || MessageBytes is < 1 or > 65536
            || RekeyInterval < TimeSpan.FromMilliseconds(1) || FreshKeyInterval < TimeSpan.FromMilliseconds(10))
        {
            throw new ArgumentException($"Benchmark sizes out of range: bulk {BulkBytes} bytes (1..2^40), round trips {RoundTrips} (10..10^7), warm-up {WarmupRoundTrips}, message {MessageBytes} bytes (1..65536), rekey {RekeyInterval.TotalMilliseconds} ms (>= 1), fresh key {FreshKeyInterval.TotalMilliseconds} ms (>= 10).");
        }
        return this;
    }
}

/// <summary>One path's figures: bulk throughput [Gbit/s] and request/response round-trip times [ms].</summary>
public sealed record PathFigures(double BulkGbitPerSecond, double RoundTripP50Ms, double RoundTripP99Ms, double RoundTripMaxMs);

/// <summary>
/// Results: the direct path (client to server), the plain two-hop forwarder (the baseline written the same way),
/// the tunnel, the tunnel while it sends a KeyUpdate every <see cref="LoopbackBenchmarkOptions.RekeyInterval"/>, and
/// the tunnel with fresh-key streams moving to a new QKD key every <see cref="LoopbackBenchmarkOptions.FreshKeyInterval"/>.
/// </summary>
public sealed record LoopbackBenchmarkResult(PathFigures Direct, PathFigures Plain, PathFigures Tunnel, PathFigures TunnelRekeying,
    double ThroughputRatioTunnelToPlain, double AddedP99MsOverDirect, double AddedP99MsOverPlain, long KeyUpdates, double MaxKeyUpdateMs, long KeysConsumed,
    PathFigures TunnelFreshKey, long FreshKeys, double MaxFreshKeyStallMs);

/// <summary>
/// The tunnel's loopback performance run (`qkd tunnel bench`): the same traffic over a direct connection, over two
/// <see cref="PlainForwarder"/>s in a row, and over the tunnel's two ends (keys from a real KME over ETSI 014).
/// Bulk: one stream of <see cref="LoopbackBenchmarkOptions.BulkBytes"/> to a sink that acknowledges the last byte,
/// timed from the moment the path is up (key fetched, handshakes done) and after a warm-up stream of an eighth.
/// Latency: request/response of <see cref="LoopbackBenchmarkOptions.MessageBytes"/> to an echo server, one at a time.
/// </summary>
public static class LoopbackBenchmark
{
    public static async Task<LoopbackBenchmarkResult> RunAsync(EtsiKeyClient master, string slaveSae, EtsiKeyClient slave, string masterSae,
        LoopbackBenchmarkOptions options, ILogger log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(slave);
        options = options.Validated();
        await using var sink = new LoopbackServer(LoopbackServer.Kind.Sink);
        await using var echo = new LoopbackServer(LoopbackServer.Kind.Echo);
        var time = TimeProvider.System;

        var direct = await MeasureAsync(sink.Endpoint, echo.Endpoint, options, ct).ConfigureAwait(false);

        PathFigures plain;
        {
            var m = new TunnelMetrics();
            await using var sinkEdge = Started(new PlainForwarder(Any(), sink.Endpoint, m, log, time));
            await using var sinkPlant = Started(new PlainForwarder(Any(), sinkEdge.LocalEndpoint, m, log, time));
            await using var echoEdge = Started(new PlainForwarder(Any(), echo.Endpoint, m, log, time));
            await using var echoPlant = Started(new PlainForwarder(Any(), echoEdge.LocalEndpoint, m, log, time));
            plain = await MeasureAsync(sinkPlant.LocalEndpoint, echoPlant.LocalEndpoint, options, ct).ConfigureAwait(false);
        }

        var plantMetrics = new TunnelMetrics();
        var edgeMetrics = new TunnelMetrics();
        var masterKeys = new TunnelKeySource(master, slaveSae, plantMetrics, log, time);
        var slaveKeys = new TunnelKeySource(slave, masterSae, edgeMetrics, log, time);
        PathFigures tunnel;
        {
            await using var sinkEdge = Started(new TunnelListener(Any(), sink.Endpoint, slaveKeys, options.Tunnel, edgeMetrics, log, time));
            await using var sinkPlant = Started(new TunnelConnector(Any(), sinkEdge.LocalEndpoint, masterKeys, options.Tunnel, plantMetrics, log, time));
            await using var echoEdge = Started(new TunnelListener(Any(), echo.Endpoint, slaveKeys, options.Tunnel, edgeMetrics, log, time));
            await using var echoPlant = Started(new TunnelConnector(Any(), echoEdge.LocalEndpoint, masterKeys, options.Tunnel, plantMetrics, log, time));
            tunnel = await MeasureAsync(sinkPlant.LocalEndpoint, echoPlant.LocalEndpoint, options, ct).ConfigureAwait(false);
        }
        var rekeyMetrics = new TunnelMetrics();
        var rekeying = await MeasureTunnelAsync(options.Tunnel with { RekeyInterval = options.RekeyInterval }, rekeyMetrics).ConfigureAwait(false);
        var freshMetrics = new TunnelMetrics();
        var fresh = await MeasureTunnelAsync(options.Tunnel with { FreshKeyStreams = true, FreshKeyInterval = options.FreshKeyInterval }, freshMetrics).ConfigureAwait(false);
        return new LoopbackBenchmarkResult(direct, plain, tunnel, rekeying,
            tunnel.BulkGbitPerSecond / plain.BulkGbitPerSecond,
            tunnel.RoundTripP99Ms - direct.RoundTripP99Ms,
            tunnel.RoundTripP99Ms - plain.RoundTripP99Ms,
            rekeyMetrics.KeyUpdates, rekeyMetrics.MaxKeyUpdateMs,
            plantMetrics.KeysConsumed + (rekeyMetrics.KeysConsumed + freshMetrics.KeysConsumed) / 2,
            fresh, freshMetrics.FreshKeys / 2, freshMetrics.MaxFreshKeyStallMs);

        // Both tunnel paths (bulk to the sink, round trips to the echo) with their own ends and key sources under one metrics object.
        async Task<PathFigures> MeasureTunnelAsync(TunnelSettings settings, TunnelMetrics metrics)
        {
            var plantKeys = new TunnelKeySource(master, slaveSae, metrics, log, time);
            var edgeKeys = new TunnelKeySource(slave, masterSae, metrics, log, time);
            await using var sinkEdge = Started(new TunnelListener(Any(), sink.Endpoint, edgeKeys, settings, metrics, log, time));
            await using var sinkPlant = Started(new TunnelConnector(Any(), sinkEdge.LocalEndpoint, plantKeys, settings, metrics, log, time));
            await using var echoEdge = Started(new TunnelListener(Any(), echo.Endpoint, edgeKeys, settings, metrics, log, time));
            await using var echoPlant = Started(new TunnelConnector(Any(), echoEdge.LocalEndpoint, plantKeys, settings, metrics, log, time));
            return await MeasureAsync(sinkPlant.LocalEndpoint, echoPlant.LocalEndpoint, options, ct).ConfigureAwait(false);
        }
    }

    private static IPEndPoint Any() => new(IPAddress.Loopback, 0);

    private static T Started<T>(T endpoint) where T : TunnelEndpoint
    {
        endpoint.Start();
        return endpoint;
    }

    private static async Task<PathFigures> MeasureAsync(IPEndPoint sinkPath, IPEndPoint echoPath, LoopbackBenchmarkOptions o, CancellationToken ct)
    {
        var gbit = await Task.Factory.StartNew(() =>
        {
            Bulk(sinkPath, Math.Max(1, o.BulkBytes / 8));
            return Bulk(sinkPath, o.BulkBytes);
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        var rtt = await Task.Factory.StartNew(() => RoundTrips(echoPath, o), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        Array.Sort(rtt);
        return new PathFigures(gbit, Rank(rtt, 0.5), Rank(rtt, 0.99), rtt[^1]);
    }

    private static double Rank(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Bulk(IPEndPoint path, long bytes)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.Connect(path);
        var chunk = new byte[65536];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(chunk, bytes);
        s.Send(chunk, 0, 8, SocketFlags.None);
        var ack = new byte[1];
        if (s.Receive(ack) != 1)
        {
            throw new IOException("The bulk sink closed before the path was up.");
        }
        var start = Stopwatch.GetTimestamp();
        for (long sent = 0; sent < bytes;)
        {
            var n = (int)Math.Min(chunk.Length, bytes - sent);
            s.Send(chunk, 0, n, SocketFlags.None);
            sent += n;
        }
        if (s.Receive(ack) != 1)
        {
            throw new IOException("The bulk sink closed before acknowledging the stream.");
        }
        return bytes * 8 / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
    }

    private static double[] RoundTrips(IPEndPoint path, LoopbackBenchmarkOptions o)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.Connect(path);
        var request = new byte[o.MessageBytes];
        var response = new byte[o.MessageBytes];
        var samples = new double[o.RoundTrips];
        for (var i = -o.WarmupRoundTrips; i < o.RoundTrips; i++)
        {
            var start = Stopwatch.GetTimestamp();
            s.Send(request);
            for (var got = 0; got < response.Length;)
            {
                var n = s.Receive(response, got, response.Length - got, SocketFlags.None);
                if (n == 0)
                {
                    throw new IOException("The echo path closed during the latency run.");
                }
                got += n;
            }
            if (i >= 0)
            {
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        return samples;
    }
}
