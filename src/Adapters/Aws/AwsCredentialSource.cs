using Amazon.Runtime.Credentials;

namespace ChurnActors.Adapters.Aws;

/// <summary>Where SigV4-signed calls get their credentials.</summary>
public interface IAwsCredentialSource
{
    ValueTask<SigV4Credentials> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The default AWS credential chain (environment, profile, ECS task role…), refreshed as the SDK refreshes it.</summary>
public sealed class DefaultAwsCredentialSource : IAwsCredentialSource
{
    public async ValueTask<SigV4Credentials> GetAsync(CancellationToken cancellationToken)
    {
        var credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentialsAsync();
        return new SigV4Credentials(credentials.AccessKey, credentials.SecretKey, credentials.UseToken ? credentials.Token : null);
    }
}
