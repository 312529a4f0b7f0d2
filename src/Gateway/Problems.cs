using Microsoft.AspNetCore.Http.HttpResults;

namespace ChurnActors.Gateway;

/// <summary>RFC 7807 answers: a stable type per problem and a detail a person can act on.</summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, instance: null, statusCode: status, title: title, type: $"urn:churnactors:problem:{type}", extensions: extensions);

    public static ProblemHttpResult BadRequest(string type, string title, string detail) =>
        Of(StatusCodes.Status400BadRequest, type, title, detail);

    public static ProblemHttpResult InvalidMsisdn(string why) =>
        BadRequest("invalid-msisdn", "Not a phone number", $"The msisdn must be a phone number in international form (E.164, country code first), e.g. +447700900123; this one {why}.");
}
