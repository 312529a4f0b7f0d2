using System.Globalization;
using System.Net.Http.Headers;
using ChurnActors.Gateway.Access;
using ChurnActors.Silo;
using ChurnActors.Tests.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Tests.Gateway.Access;

/// <summary>
/// A silo configured as it runs outside the embedded default: loopback is not trusted, so even these
/// requests from 127.0.0.1 stand for callers from elsewhere. Its own host because that is the
/// configuration under test; the simulator is off.
/// </summary>
public sealed class SecuredSilo : IAsyncLifetime
{
    public const string User = "ops-desk";
    public const string Password = "correct-horse-battery-staple";

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Sends no credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>Sends the operator's credentials.</summary>
    public HttpClient Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Churn:Clustering:SiloPort"] = ChurnHost.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Churn:Clustering:GatewayPort"] = ChurnHost.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Churn:Clustering:ClusterId"] = "churn-secured-tests",
            ["Churn:Gateway:FeedbackSecret"] = ChurnHost.FeedbackSecret,
            ["Churn:Gateway:Access:OpenOnLoopback"] = "false",
            ["Churn:Gateway:Access:User"] = User,
            ["Churn:Gateway:Access:Password"] = Password,
            ["Churn:Archive:LocalDirectory:Path"] = Path.Combine(Path.GetTempPath(), "churn-secured-lake-" + Guid.NewGuid().ToString("N")),
            ["Churn:Simulator:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        _app = ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        Operator = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        Operator.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(BasicCredentials.Encode(User, Password));
    }

    public async Task DisposeAsync()
    {
        Anonymous.Dispose();
        Operator.Dispose();
        if (_app is not null)
        {
            var lake = _app.Configuration["Churn:Archive:LocalDirectory:Path"]!;
            await _app.StopAsync();
            await _app.DisposeAsync();
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }
}
