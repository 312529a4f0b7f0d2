using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChurnActors.Tests.Gateway;

public static class ProblemAssert
{
    /// <summary>Asserts an RFC 7807 problem with the expected status and problem type, and a detail a person can read.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"urn:churnactors:problem:{type}", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
