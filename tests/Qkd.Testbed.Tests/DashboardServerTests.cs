using System.Net;
using System.Text.Json;
using Qkd.Testbed.Dashboard;
using Qkd.Testbed.Link;
using Qkd.Testbed.Observation;

namespace Qkd.Testbed.Tests;

/// <summary>The dashboard over a real loopback socket: page, script, description and the event stream.</summary>
public sealed class DashboardServerTests
{
    [Fact]
    public async Task Dashboard_ServesThePageAndScriptWithoutExternalResources_AndStreamsUpdates()
    {
        var monitor = new TestbedMonitor(TestbedMonitorTests.Description(new EavesdropperSummary("intercept-resend", 1, 20, 40, "LINK_A_B")));
        monitor.OnSlice(TestbedMonitorTests.Slice(1, alarm: true, eve: true));
        await using var server = await DashboardServer.StartAsync(monitor, 0);
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal("127.0.0.1", server.Url.Host);
        var page = await http.GetStringAsync("/");
        Assert.Contains("id=\"alarm\"", page, StringComparison.Ordinal);
        Assert.Contains("/dashboard.js", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        var script = await http.GetStringAsync("/dashboard.js");
        Assert.Contains("EventSource", script, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", script, StringComparison.Ordinal);
        var description = JsonDocument.Parse(await http.GetStringAsync("/api/description")).RootElement;
        Assert.Equal(20, description.GetProperty("timeScale").GetDouble());
        Assert.Equal("intercept-resend", description.GetProperty("eavesdropper").GetProperty("kind").GetString());

        using var response = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("event: update", await reader.ReadLineAsync());
        var data = (await reader.ReadLineAsync())!;
        var update = JsonDocument.Parse(data["data: ".Length..]).RootElement;
        Assert.True(update.GetProperty("alarm").GetBoolean());
        Assert.Equal(1, update.GetProperty("slices").GetArrayLength());
        Assert.Equal("", await reader.ReadLineAsync());

        monitor.OnBlock(TestbedMonitorTests.Block(0, 6, BlockRecord.Rejected, 1));
        // The server pushes on a timer, so an update sent before the block may come first: read until the block arrives.
        JsonElement next;
        var updates = 0;
        do
        {
            Assert.True(++updates <= 50, "the block never reached the event stream");
            Assert.Equal("event: update", await reader.ReadLineAsync());
            next = JsonDocument.Parse((await reader.ReadLineAsync())!["data: ".Length..]).RootElement;
            Assert.Equal("", await reader.ReadLineAsync());
            Assert.Equal(0, next.GetProperty("slices").GetArrayLength());
        }
        while (next.GetProperty("blocks").GetArrayLength() == 0);
        Assert.Equal("rejected", next.GetProperty("blocks")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Dashboard_PortOutOfRange_ThrowsNamingTheFlag()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => DashboardServer.StartAsync(new TestbedMonitor(TestbedMonitorTests.Description()), 70000));
        Assert.Contains("--dashboard-port", e.Message, StringComparison.Ordinal);
    }
}
