using System.Net.Http.Headers;
using ChurnActors.Gateway.Access;
using ChurnActors.Tests.Support;

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

    private TestSilo? _silo;

    public Uri BaseAddress => _silo!.Http.BaseAddress!;

    /// <summary>Sends no credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>Sends the operator's credentials.</summary>
    public HttpClient Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Churn:Clustering:ClusterId"] = "churn-secured-tests",
            ["Churn:Gateway:Access:OpenOnLoopback"] = "false",
            ["Churn:Gateway:Access:User"] = User,
            ["Churn:Gateway:Access:Password"] = Password,
        });
        Anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        Operator = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        Operator.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(BasicCredentials.Encode(User, Password));
    }

    public async Task DisposeAsync()
    {
        Anonymous.Dispose();
        Operator.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
