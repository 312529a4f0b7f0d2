namespace ChurnActors.UnitTests.Grains;

public sealed class IncidentTypesTests
{
    [Theory]
    [InlineData("CALL_DROP", IncidentType.CallDrop)]
    [InlineData("call_quality", IncidentType.CallQuality)]
    [InlineData("Low_Bitrate", IncidentType.LowBitrate)]
    [InlineData("VIDEO_STALLING", IncidentType.VideoStalling)]
    public void Parses_wire_names_case_insensitively(string text, IncidentType expected)
    {
        Assert.True(IncidentTypes.TryParse(text, out var type));
        Assert.Equal(expected, type);
        Assert.Equal(text.ToUpperInvariant(), type.ToWire());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("CALLDROP")]
    public void Refuses_unknown_names(string? text) => Assert.False(IncidentTypes.TryParse(text, out _));

    [Fact]
    public void The_count_is_every_type_once() =>
        Assert.Equal((IncidentTypes.Count, IncidentTypes.Count), (IncidentTypes.All.Distinct().Count(), Enum.GetValues<IncidentType>().Length));
}
