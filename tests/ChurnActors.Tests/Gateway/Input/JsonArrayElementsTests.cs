using System.Text;
using ChurnActors.Gateway.Input;

namespace ChurnActors.Tests.Gateway.Input;

public sealed class JsonArrayElementsTests
{
    [Fact]
    public void Finds_each_element_trimmed_whatever_its_strings_hold()
    {
        var (outcome, elements, count) = Split("""[ {"a":"x,y]}"} , "q\"uote,", [1,[2]] ,7 ]""");

        Assert.Equal(JsonArrayElements.Outcome.Elements, outcome);
        Assert.Equal(4, count);
        Assert.Equal(["""{"a":"x,y]}"}""", "\"q\\\"uote,\"", "[1,[2]]", "7"], elements);
    }

    [Fact]
    public void A_broken_element_stays_one_element()
    {
        var json = Encoding.UTF8.GetBytes("[{\"cell\":\"a\u0001b\"},{\"cell\":\"\\ud800\"},{\"ok\":1}]");
        json = [.. json[..5], 0xC3, 0x28, .. json[5..]];

        var elements = new List<Range>();
        var outcome = JsonArrayElements.Split(json, 100, elements, out var count, out _);

        Assert.Equal(JsonArrayElements.Outcome.Elements, outcome);
        Assert.Equal(3, count);
        Assert.Equal("{\"ok\":1}", Encoding.UTF8.GetString(json[elements[2]]));
    }

    [Fact]
    public void An_empty_array_has_no_elements_and_an_empty_slot_is_an_element()
    {
        Assert.Equal(0, Split(" [ ] ").Count);
        var (_, elements, count) = Split("[1,,2]");
        Assert.Equal(3, count);
        Assert.Equal(["1", "", "2"], elements);
    }

    [Fact]
    public void Counts_beyond_the_limit_without_keeping_them()
    {
        var elements = new List<Range>();
        JsonArrayElements.Split(Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("{}", 50)) + "]"), 10, elements, out var count, out _);

        Assert.Equal(50, count);
        Assert.Equal(10, elements.Count);
    }

    [Fact]
    public void A_byte_order_mark_is_allowed()
    {
        Assert.Equal(1, JsonArrayElements.Split([0xEF, 0xBB, 0xBF, .. "[1]"u8], 10, [], out var count, out _) == JsonArrayElements.Outcome.Elements ? count : -1);
    }

    [Theory]
    [InlineData("{\"eventId\":1}", JsonArrayElements.Outcome.NotAnArray, "must be a JSON array")]
    [InlineData("\"text\"", JsonArrayElements.Outcome.NotAnArray, "must be a JSON array")]
    [InlineData("", JsonArrayElements.Outcome.Malformed, "empty")]
    [InlineData("   ", JsonArrayElements.Outcome.Malformed, "empty")]
    [InlineData("[{\"a\":1}", JsonArrayElements.Outcome.Malformed, "not closed")]
    [InlineData("[{\"a\":\"open]", JsonArrayElements.Outcome.Malformed, "inside a string of element 0")]
    [InlineData("[1,2] [3]", JsonArrayElements.Outcome.Malformed, "more after the array")]
    [InlineData("[1}]", JsonArrayElements.Outcome.Malformed, "closes an object it never opened")]
    public void Refuses_a_body_whose_shape_cannot_be_followed(string json, JsonArrayElements.Outcome outcome, string problemPart)
    {
        Assert.Equal(outcome, JsonArrayElements.Split(Encoding.UTF8.GetBytes(json), 10, [], out _, out var problem));
        Assert.Contains(problemPart, problem, StringComparison.Ordinal);
    }

    private static (JsonArrayElements.Outcome Outcome, string[] Elements, int Count) Split(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var elements = new List<Range>();
        var outcome = JsonArrayElements.Split(bytes, 100, elements, out var count, out _);
        return (outcome, [.. elements.Select(r => Encoding.UTF8.GetString(bytes[r]))], count);
    }
}
