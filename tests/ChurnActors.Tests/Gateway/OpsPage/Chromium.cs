using Microsoft.Playwright;

namespace ChurnActors.Tests.Gateway.OpsPage;

/// <summary>
/// Debian's Chromium driven by Playwright, one browser per test class. Nothing is downloaded: the
/// browser is the one <c>scripts/test.sh</c> installs, and its absence fails the tests, never skips them.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Headless, and quiet on a machine with no network but loopback.</summary>
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's Chromium at {ExecutablePath}, and it is not there. " +
                "Run ./scripts/test.sh, which installs it (apt-get install chromium), or install it by hand.");
        }

        // Live values arrive a tick or two after the event that causes them, more on a busy machine.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
        });
    }

    /// <summary>A fresh context (no cookies or credentials shared with another test), pages 1440 × 1000.</summary>
    public async Task<IBrowserContext> NewContextAsync(HttpCredentials? credentials = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
            HttpCredentials = credentials,
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
