using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Qkd.Testbed.Observation;

namespace Qkd.Testbed.Dashboard;

/// <summary>
/// The testbed's web dashboard on loopback (plain HTTP, 127.0.0.1 only): the page and its script (embedded resources,
/// no CDN: the charts are SVG drawn by the script), the run's description (/api/description) and a server-sent event
/// stream (/api/events) that pushes a <see cref="TestbedUpdate"/> every <see cref="PushInterval"/> with what changed.
/// Counts and public statistics only: no key material ever reaches the monitor it serves.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>Time between two pushes of the event stream.</summary>
    public static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(400);

    /// <summary>The JSON style of the endpoints: camelCase, non-finite numbers as strings.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Url { get; }

    /// <summary>Starts serving <paramref name="monitor"/> on 127.0.0.1:<paramref name="port"/> (0: a free port).</summary>
    public static async Task<DashboardServer> StartAsync(TestbedMonitor monitor, int port, TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"--dashboard-port must be within [0, 65535] (0: a free port), but was {port}.");
        }
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.MapGet("/", () => Results.Text(Resource("index.html"), "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Results.Text(Resource("dashboard.js"), "text/javascript; charset=utf-8"));
        app.MapGet("/api/description", () => Results.Json(monitor.Description, Json));
        app.MapGet("/api/state", () => Results.Json(monitor.Since(TestbedCursor.Start).Update, Json));
        app.MapGet("/api/events", (HttpContext context) => StreamAsync(context, monitor, time));
        await app.StartAsync(ct);
        var bound = app.Urls.Select(u => new Uri(u)).First();
        return new DashboardServer(app, new Uri($"http://127.0.0.1:{bound.Port}/"));
    }

    private static async Task StreamAsync(HttpContext context, TestbedMonitor monitor, TimeProvider time)
    {
        var ct = context.RequestAborted;
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var cursor = TestbedCursor.Start;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var (update, next) = monitor.Since(cursor);
                cursor = next;
                var payload = JsonSerializer.Serialize(update, Json);
                await context.Response.WriteAsync("event: update\ndata: " + payload + "\n\n", Encoding.UTF8, ct);
                await context.Response.Body.FlushAsync(ct);
                await Task.Delay(PushInterval, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser left.
        }
    }

    /// <summary>An embedded page resource (dashboard/NAME).</summary>
    public static string Resource(string name)
    {
        using var stream = typeof(DashboardServer).Assembly.GetManifestResourceStream("dashboard/" + name)
            ?? throw new InvalidOperationException($"The dashboard resource '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
