using Microsoft.AspNetCore.Diagnostics;

namespace ChurnActors.Gateway;

/// <summary>
/// The answers ASP.NET Core and Orleans give on their own — no route, wrong method or media type, a
/// parameter that does not bind, a body over the server's limit, a cluster that cannot answer now —
/// in the project's problem+json form: a stable <c>urn:churnactors:problem:…</c> type and a detail
/// that says what to do. A request the cluster could not complete is a 503 to retry, not a 500.
/// </summary>
public static class FrameworkProblems
{
    private const string RetryAfterSeconds = "5";

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith("urn:churnactors:problem:", StringComparison.Ordinal) == true)
        {
            return;
        }

        var request = context.HttpContext.Request;
        var path = request.Path.Value ?? "/";
        var (type, detail) = problem.Status switch
        {
            StatusCodes.Status400BadRequest => ("bad-request", problem.Detail ?? "The request could not be read; check its parameters against /openapi/v1.json."),
            StatusCodes.Status404NotFound => ("not-found", $"There is nothing at {path}; the API is described at /openapi/v1.json."),
            StatusCodes.Status405MethodNotAllowed => ("method-not-allowed", MethodNotAllowed(context.HttpContext, request.Method, path)),
            StatusCodes.Status413PayloadTooLarge => ("body-too-large", "The body is larger than this endpoint takes; send less per request."),
            StatusCodes.Status415UnsupportedMediaType => ("unsupported-media-type", $"Send the body of {request.Method} {path} as JSON, with Content-Type: application/json."),
            StatusCodes.Status503ServiceUnavailable => ("unavailable", problem.Detail ?? "The cluster cannot answer now; try again in a few seconds."),
            >= 500 => ("internal-error", $"The request failed on the server (trace {context.HttpContext.TraceIdentifier}); the operator's logs have the cause."),
            _ => ("http-" + problem.Status, problem.Detail ?? problem.Title ?? "The request was refused."),
        };
        problem.Type = $"urn:churnactors:problem:{type}";
        problem.Detail = detail;
    }

    /// <summary>The exceptions that reach the pipeline's end, as problems (the exception itself is logged by the handler's middleware).</summary>
    public sealed class ExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, type, detail) = Classify(exception, context.TraceIdentifier);
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
            }

            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = { Status = status, Type = $"urn:churnactors:problem:{type}", Title = TitleOf(status), Detail = detail },
            });
        }
    }

    internal static (int Status, string Type, string Detail) Classify(Exception exception, string trace) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, "body-too-large", "The body is larger than the server takes; send less per request."),
        BadHttpRequestException bad =>
            (bad.StatusCode, "bad-request", $"{bad.Message.TrimEnd('.')}. The API is described at /openapi/v1.json."),
        _ when IsUnavailable(exception) =>
            (503, "unavailable", $"The cluster could not complete the request now ({exception.GetType().Name}); nothing was acknowledged, so send it again in a few seconds."),
        _ => (500, "internal-error", $"The request failed on the server (trace {trace}); the operator's logs have the cause."),
    };

    /// <summary>Failures of the cluster or its storage, not of the request: a retry can succeed.</summary>
    private static bool IsUnavailable(Exception exception) =>
        exception is OrleansException or TimeoutException or OperationCanceledException or IOException
        || exception.GetType().Namespace?.StartsWith("Amazon", StringComparison.Ordinal) == true
        || exception.GetType().Name is "RecordsPendingException" or "RecordsNotPublishedException" or "ArchiveUnavailableException"
        || (exception.InnerException is { } inner && IsUnavailable(inner));

    private static string MethodNotAllowed(HttpContext context, string method, string path)
    {
        var allowed = context.Response.Headers.Allow.ToString();
        return allowed.Length > 0
            ? $"{method} is not allowed on {path}; it takes {allowed}."
            : $"{method} is not allowed on {path}; the API is described at /openapi/v1.json.";
    }

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        413 => "Body too large",
        503 => "Service unavailable",
        _ => "Server error",
    };

    public static IServiceCollection AddFrameworkProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = Customize);
        services.AddExceptionHandler<ExceptionHandler>();

        // Parameters that do not bind become exceptions with a message that names them, answered above.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
