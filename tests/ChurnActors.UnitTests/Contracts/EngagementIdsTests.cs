namespace ChurnActors.UnitTests.Contracts;

public sealed class EngagementIdsTests
{
    private const string Msisdn = "+447700900123";

    [Fact]
    public void A_new_id_is_well_formed_and_does_not_show_the_number()
    {
        var id = EngagementIds.New(Msisdn);

        Assert.True(EngagementIds.IsWellFormed(id));
        Assert.Matches("^eng-[0-9a-f]{8}-[0-9a-f]{16}$", id);
        Assert.DoesNotContain("7700900123", id, StringComparison.Ordinal);
    }

    [Fact]
    public void New_ids_are_unique()
    {
        var ids = Enumerable.Range(0, 1_000).Select(_ => EngagementIds.New(Msisdn)).ToHashSet();

        Assert.Equal(1_000, ids.Count);
    }

    [Fact]
    public void An_id_belongs_to_its_number_only()
    {
        var id = EngagementIds.New(Msisdn);

        Assert.True(EngagementIds.BelongsTo(id, Msisdn));
        Assert.False(EngagementIds.BelongsTo(id, "+447700900124"));
        Assert.False(EngagementIds.BelongsTo(EngagementIds.New("+447700900124"), Msisdn));
    }

    [Fact]
    public void Ids_of_one_number_share_its_fingerprint()
    {
        Assert.Equal(EngagementIds.New(Msisdn)[..12], EngagementIds.New(Msisdn)[..12]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("eng-")]
    [InlineData("abc-0123abcd-0123456789abcdef")]
    [InlineData("eng-0123ABCD-0123456789abcdef")]
    [InlineData("eng-0123abcd_0123456789abcdef")]
    [InlineData("eng-0123abcd-0123456789abcdeg")]
    [InlineData("eng-0123abcd-0123456789abcdef0")]
    [InlineData("eng-0123abc-0123456789abcdef0")]
    public void Refuses_malformed_ids(string? id)
    {
        Assert.False(EngagementIds.IsWellFormed(id));
        if (id is not null)
        {
            Assert.False(EngagementIds.BelongsTo(id, Msisdn));
        }
    }

    [Fact]
    public void A_well_formed_id_with_an_uppercase_fingerprint_does_not_belong()
    {
        var id = EngagementIds.New(Msisdn);
        var shouted = string.Concat(id.AsSpan(0, 4), id[4..12].ToUpperInvariant(), id.AsSpan(12));

        Assert.False(EngagementIds.BelongsTo(shouted, Msisdn));
    }
}
