using ChurnActors.Adapters.Aws;
using ChurnActors.Configuration;
using ChurnActors.Grains.Dispatch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ChurnActors.Adapters.Connect;

public static class ConnectDialerExtensions
{
    /// <summary>
    /// Places calls through Amazon Connect, as configured under <c>Churn:Dialer:Connect</c> (validated
    /// here: a missing instance, flow, number or region stops the build). Signs with the default AWS
    /// credential chain unless the host brings its own <see cref="IAwsCredentialSource"/>; a host
    /// that registered its own <see cref="IOutboundDialer"/> keeps it.
    /// </summary>
    public static IServiceCollection AddConnectDialer(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ValidatedOptions.Load<ConnectDialerOptions>(configuration, ConnectDialerOptions.Section);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        services.TryAddSingleton<IOutboundDialer>(sp => new ConnectDialer(
            // Its own connection pool, renewed every few minutes so DNS changes of the endpoint are followed.
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) },
            options,
            sp.GetRequiredService<IAwsCredentialSource>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConnectDialer>>()));
        return services;
    }
}
