using System.Net;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Gateway;

/// <summary>What ASP.NET Core answers on its own is problem+json too, with the project's types and a detail to act on.</summary>
[Collection(ChurnHostCollection.Name)]
public sealed class FrameworkProblemsTests(ChurnHost host)
{
    [Fact]
    public async Task An_unknown_path_is_a_problem_pointing_at_the_api_description()
    {
        var problem = await ProblemAssert.IsProblemAsync(await host.Http.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, "not-found");
        Assert.Contains("/openapi/v1.json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_method_is_a_problem_naming_the_allowed_ones()
    {
        var problem = await ProblemAssert.IsProblemAsync(await host.Http.DeleteAsync("/api/v1/stats"), HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        Assert.Contains("it takes GET", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_problem_asking_for_json()
    {
        var response = await host.Http.PostAsync("/api/v1/probe-events", new StringContent("[]", System.Text.Encoding.UTF8, "text/plain"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_of_the_cluster_is_a_503_to_retry_and_a_request_s_own_fault_keeps_its_status()
    {
        Assert.Equal(503, FrameworkProblemsClassify(new TimeoutException()).Status);
        Assert.Equal(503, FrameworkProblemsClassify(new Orleans.Runtime.OrleansException("silo unavailable")).Status);
        Assert.Equal(503, FrameworkProblemsClassify(new InvalidOperationException("wrapped", new Orleans.Storage.InconsistentStateException("etag"))).Status);
        Assert.Equal(413, FrameworkProblemsClassify(new Microsoft.AspNetCore.Http.BadHttpRequestException("too large", 413)).Status);
        Assert.Equal((400, "bad-request"), FrameworkProblemsClassify(new Microsoft.AspNetCore.Http.BadHttpRequestException("Failed to bind parameter \"int x\" from \"y\"", 400)) is var (status, type, _) ? (status, type) : default);
        Assert.Equal(500, FrameworkProblemsClassify(new NullReferenceException()).Status);
    }

    private static (int Status, string Type, string Detail) FrameworkProblemsClassify(Exception exception) =>
        ChurnActors.Gateway.FrameworkProblems.Classify(exception, "trace-1");
}
