using System.Text;
using ChurnActors.Gateway.Apis;
using ChurnActors.Gateway.Input;

namespace ChurnActors.Tests.Gateway.Input;

public sealed class StrictBodiesTests
{
    private const string Feedback = """{"contactId":"c-1","engagementId":"e-1","msisdn":"+447700900123","score":4,"answeredAt":"2026-11-25T12:00:00Z"}""";

    [Fact]
    public void Reads_a_feedback_body()
    {
        Assert.True(StrictBodies.TryReadFeedback(Encoding.UTF8.GetBytes(Feedback), out var body, out var problem), problem);

        Assert.Equal(new FeedbackBody("c-1", "e-1", "+447700900123", 4, new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), null), body);
    }

    [Theory]
    [InlineData("\"score\":4", "\"score\":\"4\"", "score must be a whole number")]
    [InlineData("\"score\":4", "\"score\":4.5", "score must be a whole number")]
    [InlineData("\"score\":4", "\"score\":true", "score must be a whole number")]
    [InlineData("\"score\":4", "\"score\":4,\"score\":1", "score appears twice")]
    [InlineData("\"contactId\":\"c-1\"", "\"contactId\":7", "contactId must be a string")]
    [InlineData("\"contactId\":\"c-1\"", "\"contactId\":\"c\\u0000\"", "contactId has the invisible or control character")]
    [InlineData("\"msisdn\":\"+447700900123\"", "\"msisdn\":\"\\ud800\"", "msisdn is not valid text")]
    [InlineData("\"answeredAt\":\"2026-11-25T12:00:00Z\"", "\"answeredAt\":\"2026-11-25T12:00:00\"", "answeredAt must be ISO-8601 with an offset")]
    public void Refuses_what_is_not_exactly_a_feedback_field(string field, string replacement, string problemPart)
    {
        Assert.False(StrictBodies.TryReadFeedback(Encoding.UTF8.GetBytes(Feedback.Replace(field, replacement, StringComparison.Ordinal)), out var body, out var problem));

        Assert.Null(body);
        Assert.Contains(problemPart, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "must be one JSON object")]
    [InlineData("{\"score\":", "not valid JSON")]
    [InlineData("{} {}", "more after the feedback object")]
    public void Refuses_a_feedback_body_that_is_not_one_object(string json, string problemPart)
    {
        Assert.False(StrictBodies.TryReadFeedback(Encoding.UTF8.GetBytes(json), out _, out var problem));
        Assert.Contains(problemPart, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"optOut\":true}", true)]
    [InlineData("{\"optOut\":false,\"note\":\"ignored\"}", false)]
    public void Reads_an_opt_out(string json, bool expected)
    {
        Assert.True(StrictBodies.TryReadOptOut(Encoding.UTF8.GetBytes(json), out var optOut, out var problem), problem);
        Assert.Equal(expected, optOut);
    }

    [Theory]
    [InlineData("{\"optOut\":\"true\"}", "optOut must be true or false, not a string")]
    [InlineData("{\"optOut\":1}", "optOut must be true or false, not a number")]
    [InlineData("{\"optOut\":true,\"optOut\":false}", "optOut appears twice")]
    [InlineData("{}", "optOut is required")]
    [InlineData("{\"optOut\": tru", "not valid JSON")]
    public void Refuses_anything_but_an_exact_opt_out(string json, string problemPart)
    {
        Assert.False(StrictBodies.TryReadOptOut(Encoding.UTF8.GetBytes(json), out _, out var problem));
        Assert.Contains(problemPart, problem, StringComparison.Ordinal);
    }
}
