using Microsoft.Playwright;
using Qkd.Bb84.Eavesdropping;
using Qkd.Gateway.Sealing;
using Qkd.Kms.Supply;
using Qkd.Testbed.Dashboard;
using Qkd.Testbed.Link;
using Qkd.Testbed.Observation;

namespace Qkd.Testbed.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's chromium (scripts/services.sh ensure_chromium; launched by executable
/// path, nothing downloaded) driven by Playwright opens it during a short testbed run with an intercept-resend
/// attacker, sees the charts update and the alarm banner appear, and takes a screenshot (QKD_UPDATE_SCREENSHOT=1 saves it as
/// docs/dashboard.png, which the README shows).
/// </summary>
public sealed class DashboardBrowserTests
{
    private static string Chromium => Environment.GetEnvironmentVariable("QKD_TEST_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "qkd.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("qkd.slnx not found above the test binaries.");
    }

    [Fact]
    public async Task Dashboard_DuringARunWithInterceptResend_UpdatesItsCharts_ShowsTheAlarm_AndIsScreenshotted()
    {
        Assert.True(File.Exists(Chromium), $"Chromium not found at {Chromium}: run `source scripts/services.sh && ensure_chromium`.");
        var outDir = Path.Combine(Path.GetTempPath(), "qkd-dashboard-test-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = new TestbedSettings(20, SealingMode.AesGcm, 2, outDir, 5)
        {
            Link = new LiveLinkSettings { Link = new DistilledLinkOptions { BlockSeconds = 120 }, TimeScale = 40 },
            Eve = new EavesdropperPlan(EavesdropperKind.InterceptResend, 1, 6, null),
        };
        var monitor = new TestbedMonitor(Testbed.Describe(settings));
        await using var server = await DashboardServer.StartAsync(monitor, 0);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1100 } });
        var external = new List<string>();
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(server.Url.ToString(), StringComparison.Ordinal))
            {
                external.Add(r.Url);
            }
        };
        await page.GotoAsync(server.Url.ToString());
        await Assertions.Expect(page.Locator("#scale")).ToContainTextAsync("40x faster", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#alarm")).ToBeHiddenAsync();

        // The run starts once the page is open, so the browser sees it from its first slice.
        var run = Task.Run(() => new Testbed(settings, monitor).RunAsync(_ => { }, server.Url.ToString(), CancellationToken.None));

        // The QBER chart fills as slices arrive, then grows.
        await page.WaitForFunctionAsync("() => Number(document.getElementById('chart-qber').getAttribute('data-points') || 0) > 5", null, new() { Timeout = 60_000 });
        var before = int.Parse(await page.Locator("#chart-qber").GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('chart-qber').getAttribute('data-points') || 0) > {before}", null, new() { Timeout = 60_000 });

        // Eve comes at 6 s and stays: the banner shows, and a block she touched is rejected.
        await Assertions.Expect(page.Locator("#alarm")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await page.Locator("#blocks tr.rejected").First.WaitForAsync(new() { Timeout = 90_000 });
        await page.Locator("#chart-key circle").First.WaitForAsync(new() { Timeout = 30_000 });
        // Seed 003's schemes side by side: this run's per-device measured, the fixed scheme modelled.
        await Assertions.Expect(page.Locator("#scheme-per-device td").Nth(1)).ToHaveTextAsync("measured", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#scheme-fixed td").Nth(1)).ToHaveTextAsync("model");
        // The screenshot goes to the test's output folder; QKD_UPDATE_SCREENSHOT=1 refreshes the README's docs/dashboard.png
        // (a normal test run leaves the checkout clean).
        var shot = Environment.GetEnvironmentVariable("QKD_UPDATE_SCREENSHOT") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "dashboard.png")
            : Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot of the dashboard is not empty");

        var (result, _) = await run;
        Assert.True(result.EavesdropperDetected);
        Assert.Equal(0, result.PlaintextMessagesOnWire);
        Assert.Empty(external);
        Directory.Delete(outDir, recursive: true);
    }
}
