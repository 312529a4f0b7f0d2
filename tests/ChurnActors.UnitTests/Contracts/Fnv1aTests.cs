namespace ChurnActors.UnitTests.Contracts;

/// <summary>The published FNV-1a test vectors: stored event-id hashes and record partitions depend on these values never moving.</summary>
public sealed class Fnv1aTests
{
    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Hash32_gives_the_reference_values(string text, uint expected) => Assert.Equal(expected, Fnv1a.Hash32(text));

    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    public void Hash64_gives_the_reference_values(string text, ulong expected) => Assert.Equal(expected, Fnv1a.Hash64(text));

    [Fact]
    public void A_number_keeps_its_record_partition() =>
        Assert.Equal($"p{0xbf9cf968u % Records.RecordStreams.Partitions}", Records.RecordStreams.PartitionFor("foobar"));
}
