using Microsoft.Extensions.FileProviders;

namespace ChurnActors.Gateway.OpsPage;

/// <summary>
/// The ops page's files, built from <c>ClientApp/</c> by the project build and embedded in this
/// assembly, so the page is served the same from the silo, a separate gateway or a test host.
/// </summary>
public static class OpsPageFiles
{
    /// <summary>The resource names' prefix; Gateway.csproj gives each built file this logical name.</summary>
    public const string ResourcePrefix = "ChurnActors.Gateway.OpsPage";

    /// <summary>Scripts, styles and data only from the gateway itself: no CDN, no inline code.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseOpsPage(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(OpsPageFiles).Assembly, ResourcePrefix);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                // Revalidated on every load, so a new build is picked up at once.
                var headers = context.Context.Response.Headers;
                headers.CacheControl = "no-cache";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
            },
        });
        return app;
    }
}
