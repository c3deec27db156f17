using System.Diagnostics;
using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Qkd.Kms.Config;
using Qkd.Kms.Etsi;
using Qkd.Kms.Keys;
using Qkd.Kms.Observability;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;
using Qkd.Kms.Tls;

namespace Qkd.Kms;

/// <summary>One running KME: Kestrel with mutual TLS, the key store, the peer client, the key services (composed here, <see cref="ComposeKeyServices"/>) and the expiry sweeper.</summary>
public sealed class KmsHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop;
    private readonly Task _sweeper;
    private readonly IDisposable[] _owned;
    private int _disposed;

    private KmsHost(WebApplication app, KeyService keys, IKeyStore store, KmsMetrics metrics, Uri url, CancellationTokenSource stop, Task sweeper, IDisposable[] owned)
    {
        _stop = stop;
        _app = app;
        Keys = keys;
        Store = store;
        Metrics = metrics;
        Url = url;
        _sweeper = sweeper;
        _owned = owned;
    }

    public KeyService Keys { get; }
    public IKeyStore Store { get; }
    public KmsMetrics Metrics { get; }

    /// <summary>The bound URL (with the real port when the config asked for port 0).</summary>
    public Uri Url { get; }

    /// <summary>
    /// Minimum worker threads of the process's pool. Microsoft.Data.Sqlite runs its "async" calls
    /// synchronously, so a commit or the background checkpoint holds a pool thread for its fsync
    /// (several ms); with the default minimum (one per core, two here) the pool then has no free
    /// worker and the runtime injects more only after a delay, which showed up in the tail latency.
    /// </summary>
    internal const int MinWorkerThreads = 16;

    private static void EnsureMinThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < MinWorkerThreads)
        {
            ThreadPool.SetMinThreads(MinWorkerThreads, io);
        }
    }

    /// <summary>Opens the store, composes the key services, binds the port and starts serving.</summary>
    public static async Task<KmsHost> StartAsync(KmsConfig config, Action<ILoggingBuilder>? logging = null, TimeProvider? time = null, CancellationToken ct = default)
    {
        config.Validate();
        time ??= TimeProvider.System;
        EnsureMinThreads();
        var trust = CertificateTrust.FromPem(config.Resolve(config.Tls.CaCert));
        var own = DevCertificates.LoadWithKey(config.Resolve(config.Tls.Cert), config.Resolve(config.Tls.Key));
        if (CertificateTrust.CommonName(own) != config.KmeId || !trust.IsValidServer(own) || !CertificateRoles.Has(own, CertificateRole.Kme))
        {
            throw new ArgumentException($"tls.cert must be a server certificate for CN={config.KmeId} with the KME role ({CertificateRoles.KmeOid}) issued by tls.caCert, but its CN is '{CertificateTrust.CommonName(own)}' (certificates from before the roles: qkd certs init --force).");
        }
        IKeyStore store = config.Store.Kind == "postgres"
            ? new PostgresKeyStore(config.Store.ConnectionString!, config.Store.Schema)
            : new SqliteKeyStore(config.Resolve(config.Store.Path!));
        // A SQLite file belongs to one process, so reservations found at start-up are a crash's leftovers.
        await store.InitializeAsync(recoverAllReservations: config.Store.Kind == "sqlite", ct);
        var wrapper = new KeyWrapper(config.KeyWrapKey is null ? null : Convert.FromBase64String(config.KeyWrapKey),
            [.. config.PreviousKeyWrapKeys.Select(Convert.FromBase64String)]);

        var app = BuildApp(config, own, trust, logging);
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var metrics = new KmsMetrics(config.KmeId);
        var auditPath = config.AuditLog is null ? null : config.Resolve(config.AuditLog);
        var audit = new AuditLog(loggerFactory.CreateLogger("Qkd.Kms.Audit"), auditPath, time);
        var peers = new PeerClient(config, own, trust, TimeSpan.FromSeconds(10));
        var keys = ComposeKeyServices(config, store, wrapper, peers, metrics, audit, time, loggerFactory.CreateLogger<KeyService>());
        var logger = loggerFactory.CreateLogger("Qkd.Kms");

        MapRoutes(app, config, keys, metrics, trust, time, logger);

        await app.StartAsync(ct);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        Log.Started(logger, config.KmeId, url.ToString(), config.Store.Kind, wrapper.Enabled);
        var stop = new CancellationTokenSource();
        var sweeper = RunSweeperAsync(keys, config, time, stop.Token);
        return new KmsHost(app, keys, store, metrics, url, stop, sweeper, [keys, peers, trust, own, audit]);
    }

    /// <summary>Kestrel on the configured address with mutual TLS (a client certificate issued by tls.caCert is required), and the logging.</summary>
    private static WebApplication BuildApp(KmsConfig config, System.Security.Cryptography.X509Certificates.X509Certificate2 own, CertificateTrust trust, Action<ILoggingBuilder>? logging)
    {
        var listen = new Uri(config.Listen);
        // No reload of appsettings.json on change: the KME reads its own config file, and the reload watch is a
        // FileSystemWatcher on the whole working directory, which turned every SQLite write of a store under it
        // into inotify events handled in this process (a quarter of all allocations in a profile at 1,000 req/s).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ");
        }
        else
        {
            logging(builder.Logging);
        }
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Hosting's per-request diagnostics log nothing above Information, yet while that category is enabled at all
        // ASP.NET Core starts an Activity (with a random trace ID string) and a log scope for every request: ~3 % of
        // the bytes a key request allocates (docs/kms.md "Measured", tenth round). Errors are logged by other categories.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.AddOpenApi();
        builder.Services.AddRoutingCore();
        if (InlineSocketIo.Enabled)
        {
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Parse(listen.Host), listen.Port, l => l.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = own,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                CheckCertificateRevocation = false,
                ClientCertificateValidation = (cert, _, _) => trust.IsValidClient(cert),
            }));
        });
        return builder.Build();
    }

    /// <summary>The request middleware (no-store, one Error body for a failure, duration metric) and every route: ETSI 014, KME-to-KME, OpenAPI, health, metrics.</summary>
    private static void MapRoutes(WebApplication app, KmsConfig config, KeyService keys, KmsMetrics metrics, CertificateTrust trust, TimeProvider time, ILogger logger)
    {
        metrics.Registry.AddBeforeCollectCallback(async cancel =>
        {
            metrics.GcPauseSeconds.Set(GC.GetTotalPauseDuration().TotalSeconds);
            metrics.AllocatedBytes.Set(GC.GetTotalAllocatedBytes(precise: false));
            metrics.CpuSeconds.Set(Environment.CpuUsage.TotalTime.TotalSeconds);
            for (var g = 0; g <= GC.MaxGeneration; g++)
            {
                metrics.GcCollections.WithLabels(g.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(GC.CollectionCount(g));
            }
            foreach (var p in config.Peers)
            {
                metrics.PoolUnits.WithLabels(p.KmeId).Set(await keys.ServableUnitsAsync(p.KmeId, cancel));
            }
        });
        app.Use(async (ctx, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            ctx.Response.Headers.CacheControl = "no-store";
            try
            {
                await next(ctx);
            }
            catch (Exception e) when (e is not OperationCanceledException && !ctx.Response.HasStarted)
            {
                // A store or runtime failure: the ETSI "error on the server side", with an Error body.
                // Only the exception type is logged: messages of lower layers are not trusted to be key-free.
                Log.Failed(logger, ctx.Request.Path, e.GetType().Name);
                ctx.Response.Clear();
                await EtsiEndpoints.Error(503, "the KME failed to process the request; no key was served").ExecuteAsync(ctx);
            }
            var route = (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.RequestDuration.WithLabels(route, ctx.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        });
        var crl = config.Tls.Crl is null ? null : new RevocationList(config.Resolve(config.Tls.Crl), trust.Ca, time);
        var identities = new ClientIdentities(config, crl);
        app.MapEtsiEndpoints(keys, identities, logger);
        app.MapKmeEndpoints(keys, identities, logger);
        app.MapOpenApi("/openapi/v1.json");
        app.MapGet("/healthz", async (CancellationToken cancel) =>
        {
            var pools = new Dictionary<string, long>();
            foreach (var p in config.Peers)
            {
                pools[p.KmeId] = await keys.ServableUnitsAsync(p.KmeId, cancel);
            }
            return Results.Json(new { status = "ok", kme_ID = config.KmeId, pool_units = pools });
        }).ExcludeFromDescription();
        app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted);
        }).ExcludeFromDescription();
    }

    /// <summary>
    /// The key services of one KME and how they depend on each other (docs/architecture.md "Qkd.Kms"):
    /// the routing table and the hop cipher at the bottom, leases and the relay above them, the services
    /// for masters (direct link, relayed route), slaves and peers' messages above those, and
    /// <see cref="KeyService"/> as the one door the endpoints use. All share one log category.
    /// </summary>
    private static KeyService ComposeKeyServices(KmsConfig config, IKeyStore store, KeyWrapper wrapper, PeerClient peers, KmsMetrics metrics, AuditLog audit, TimeProvider time, ILogger logger)
    {
        var routes = new SaeRoutingTable(config);
        var cipher = new HopCipher(wrapper, config.Keys.UnitBits);
        var pools = new LinkPoolService(config, store, wrapper, metrics, time, logger);
        var leases = new KeyLeases(config, store, peers, routes, metrics, audit, time, logger);
        var relay = new RelayService(config, store, cipher, peers, routes, metrics, time, logger);
        var direct = new DirectLinkKeyService(config, store, cipher, leases, metrics, audit, time);
        var relayed = new RelayedRouteKeyService(config, store, cipher, peers, routes, metrics, audit, time, logger);
        var transfers = new TransferReceiver(config, store, cipher, routes, relay, metrics, time, logger);
        var slaves = new SlaveKeyService(config, store, wrapper, peers, routes, metrics, audit, time);
        return new KeyService(config, routes, pools, leases, direct, relayed, relay, transfers, slaves, audit);
    }

    /// <summary>Expiry and crash-recovery sweep every min(reservation timeout, max age)/2, clamped to [1, 60] s.</summary>
    private static async Task RunSweeperAsync(KeyService keys, KmsConfig config, TimeProvider time, CancellationToken token)
    {
        await Task.Yield();
        var period = TimeSpan.FromSeconds(Math.Clamp(Math.Min(config.Keys.ReservationTimeoutSeconds, config.Keys.MaxAgeSeconds) / 2, 1, 60));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                await keys.SweepAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Blocks until the host is asked to stop (Ctrl-C or <paramref name="ct"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        await _sweeper;
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        foreach (var d in _owned)
        {
            d.Dispose();
        }
        _stop.Dispose();
    }
}
