using System.Text;
using System.Text.Json;
using ChurnActors.Grains.Ingest;

namespace ChurnActors.UnitTests.Grains.Ingest;

public sealed class ProbeEventReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Parses_a_valid_event_and_normalizes_the_msisdn()
    {
        Assert.True(Read(Json(), Now, out var probe, out var reason));

        Assert.Equal("", reason);
        Assert.Equal(
            new ProbeEvent("evt-1", "+447700900123", IncidentType.CallDrop, true, new DateTimeOffset(2026, 11, 25, 11, 58, 0, TimeSpan.Zero), "ECGI-234-15-1234-56", "35693803", "Ericsson"),
            probe);
    }

    [Theory]
    [InlineData("447700900123")]
    [InlineData("+447700900123")]
    [InlineData("00447700900123")]
    [InlineData("+44 7700 900123")]
    public void Normalizes_international_forms_to_e164(string msisdn)
    {
        Assert.True(Read(Json(f => f["msisdn"] = msisdn), Now, out var probe, out _));

        Assert.Equal("+447700900123", probe?.Msisdn);
    }

    [Fact]
    public void Keeps_the_offset_of_the_timestamp()
    {
        Assert.True(Read(Json(f => f["timestamp"] = "2026-11-25T12:58:00+01:00"), Now, out var probe, out _));

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 58, 0, TimeSpan.Zero), probe?.Timestamp);
        Assert.Equal(TimeSpan.FromHours(1), probe?.Timestamp.Offset);
    }

    [Fact]
    public void Optional_fields_may_be_absent()
    {
        var json = Json(f =>
        {
            f.Remove("deviceTac");
            f.Remove("vendor");
        });

        Assert.True(Read(json, Now, out var probe, out _));

        Assert.Null(probe?.DeviceTac);
        Assert.Null(probe?.Vendor);
    }

    [Theory]
    [InlineData("ok", false)]
    [InlineData("OK", false)]
    [InlineData("fail", true)]
    public void Parses_the_status(string status, bool failed)
    {
        Assert.True(Read(Json(f => f["status"] = status), Now, out var probe, out _));

        Assert.Equal(failed, probe?.Failed);
    }

    [Theory]
    [InlineData("call_drop", IncidentType.CallDrop)]
    [InlineData("Call_Quality", IncidentType.CallQuality)]
    [InlineData("low_bitrate", IncidentType.LowBitrate)]
    [InlineData("VIDEO_STALLING", IncidentType.VideoStalling)]
    public void Accepts_the_type_in_any_case(string type, IncidentType expected)
    {
        Assert.True(Read(Json(f => f["type"] = type), Now, out var probe, out _));

        Assert.Equal(expected, probe?.Type);
    }

    [Theory]
    [InlineData("eventId")]
    [InlineData("msisdn")]
    [InlineData("type")]
    [InlineData("status")]
    [InlineData("timestamp")]
    [InlineData("cell")]
    public void Refuses_an_event_without_a_required_field(string field)
    {
        AssertRefused(Json(f => f.Remove(field)), $"{field} is required");
        AssertRefused(Json(f => f[field] = null), $"{field} is required");
    }

    [Fact]
    public void Refuses_an_empty_event_id()
    {
        AssertRefused(Json(f => f["eventId"] = "  "), "eventId must not be empty");
    }

    [Fact]
    public void Refuses_an_event_id_that_is_not_a_string()
    {
        AssertRefused(Json(f => f["eventId"] = 42), "eventId must be a string");
    }

    [Fact]
    public void Refuses_an_event_id_longer_than_128_characters()
    {
        Assert.True(Read(Json(f => f["eventId"] = new string('e', 128)), Now, out _, out _));

        AssertRefused(Json(f => f["eventId"] = new string('e', 129)), "eventId is longer than 128 characters");
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("07700900123")]
    [InlineData("12")]
    public void Refuses_an_msisdn_that_is_not_an_international_phone_number(string msisdn)
    {
        AssertRefused(Json(f => f["msisdn"] = msisdn), "msisdn is not a phone number");
    }

    [Fact]
    public void Refuses_an_unknown_type()
    {
        AssertRefused(Json(f => f["type"] = "CALLDROP"), "type 'CALLDROP' is unknown");
    }

    [Fact]
    public void Refuses_an_unknown_status()
    {
        AssertRefused(Json(f => f["status"] = "DEGRADED"), "status 'DEGRADED' is unknown; expected OK or FAIL");
    }

    [Theory]
    [InlineData("2026-11-25T11:58:00")]
    [InlineData("2026-11-25")]
    [InlineData("yesterday")]
    public void Refuses_a_timestamp_without_an_offset_or_unreadable(string timestamp)
    {
        AssertRefused(Json(f => f["timestamp"] = timestamp), "timestamp must be ISO-8601 with an offset");
    }

    [Theory]
    [InlineData("11/25/2026 11:58:00 +00:00")]
    [InlineData("Wed, 25 Nov 2026 11:58:00 GMT")]
    public void Refuses_a_timestamp_that_is_not_iso_8601(string timestamp)
    {
        AssertRefused(Json(f => f["timestamp"] = timestamp), "timestamp must be ISO-8601 with an offset");
    }

    [Fact]
    public void Accepts_a_timestamp_up_to_five_minutes_ahead()
    {
        Assert.True(Read(Json(f => f["timestamp"] = "2026-11-25T12:05:00Z"), Now, out _, out _));
    }

    [Fact]
    public void Refuses_a_timestamp_more_than_five_minutes_ahead()
    {
        AssertRefused(Json(f => f["timestamp"] = "2026-11-25T12:05:01Z"), "is more than 5 minutes in the future");
    }

    [Fact]
    public void Refuses_a_cell_longer_than_64_characters()
    {
        Assert.True(Read(Json(f => f["cell"] = new string('c', 64)), Now, out _, out _));

        AssertRefused(Json(f => f["cell"] = new string('c', 65)), "cell is longer than 64 characters");
    }

    [Fact]
    public void Refuses_a_vendor_longer_than_64_characters()
    {
        AssertRefused(Json(f => f["vendor"] = new string('v', 65)), "vendor is longer than 64 characters");
    }

    [Theory]
    [InlineData("3569380")]
    [InlineData("356938031")]
    [InlineData("3569380a")]
    [InlineData("３５６９３８０３")]
    public void Refuses_a_device_tac_that_is_not_eight_digits(string tac)
    {
        AssertRefused(Json(f => f["deviceTac"] = tac), "deviceTac must be 8 digits");
    }

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("\"event\"", "a string")]
    [InlineData("42", "a number")]
    public void Refuses_what_is_not_a_json_object(string json, string kind)
    {
        AssertRefused(json, $"a probe event must be a JSON object, not {kind}");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"eventId\": }")]
    [InlineData("")]
    public void Refuses_invalid_json(string json)
    {
        AssertRefused(json, "not valid JSON");
    }

    [Theory]
    [InlineData("status", "\"OK\"")]
    [InlineData("msisdn", "\"447700900999\"")]
    [InlineData("eventId", "\"evt-2\"")]
    public void Refuses_a_field_given_twice_naming_it(string field, string second)
    {
        var json = Json().TrimEnd('}') + $",\"{field}\":{second}}}";

        AssertRefused(json, $"{field} appears twice");
    }

    [Fact]
    public void A_field_spelled_with_escapes_is_the_same_field()
    {
        var json = Json().TrimEnd('}') + ",\"st\\u0061tus\":\"OK\"}";

        AssertRefused(json, "status appears twice");
    }

    [Fact]
    public void Ignores_fields_the_contract_does_not_name()
    {
        var json = Json(f =>
        {
            f["probeVendorField"] = new { nested = new[] { 1, 2, 3 } };
            f["another"] = "\u0001 is fine where nobody reads it";
        });

        Assert.True(Read(json, Now, out var probe, out var reason), reason);
        Assert.Equal("evt-1", probe!.EventId);
    }

    [Theory]
    [InlineData("vendor")]
    [InlineData("cell")]
    [InlineData("eventId")]
    [InlineData("msisdn")]
    [InlineData("type")]
    public void Refuses_an_unpaired_surrogate_in_any_string_field(string field)
    {
        var json = Json(f => f[field] = "PLACEHOLDER").Replace("PLACEHOLDER", "x\\ud800y", StringComparison.Ordinal);

        AssertRefused(json, $"{field} is not valid text");
    }

    [Fact]
    public void Refuses_bytes_that_are_not_utf8_saying_where()
    {
        var json = Encoding.UTF8.GetBytes(Json(f => f["cell"] = "PLACEHOLDER"));
        var at = Encoding.UTF8.GetString(json).IndexOf("PLACEHOLDER", StringComparison.Ordinal);
        json[at] = 0xC3;
        json[at + 1] = 0x28;

        AssertRefused(json, $"not UTF-8 text: the byte 0xC3 at position {at}");
    }

    [Theory]
    [InlineData("cell", "cell-\\u0000")]
    [InlineData("cell", "line\\r\\nbreak")]
    [InlineData("vendor", "Eric\\u0007sson")]
    [InlineData("eventId", "evt\\u001b[31m")]
    [InlineData("vendor", "\\u200fEricsson")]
    [InlineData("cell", "cell\\u200b1")]
    [InlineData("eventId", "evt\\u0085")]
    public void Refuses_control_and_invisible_format_characters(string field, string escaped)
    {
        var json = Json(f => f[field] = "PLACEHOLDER").Replace("PLACEHOLDER", escaped, StringComparison.Ordinal);

        AssertRefused(json, $"{field} has the invisible or control character");
    }

    [Fact]
    public void Refuses_a_raw_control_character_as_invalid_json()
    {
        var json = Encoding.UTF8.GetBytes(Json(f => f["cell"] = "cell-X"));
        json[Array.IndexOf(json, (byte)'X')] = 0x01;

        AssertRefused(json, "not valid JSON");
    }

    [Theory]
    [InlineData("eventId")]
    [InlineData("cell")]
    [InlineData("timestamp")]
    public void Refuses_a_number_where_a_string_belongs(string field)
    {
        AssertRefused(Json(f => f[field] = 12345), $"{field} must be a string, not a number");
    }

    [Theory]
    [InlineData("++447400920001", "may have a + only as its first character")]
    [InlineData("+-447400920001", "may have a space, dash or dot only after a digit")]
    [InlineData("+447400930001 x5", "has letters")]
    [InlineData("+４４7400920001", "has the character U+FF14")]
    [InlineData("+٤٤7400920001", "has the character U+0664")]
    [InlineData("\u200f+447400920001", "has the invisible or control character U+200F")]
    public void Refuses_lenient_spellings_of_a_number(string msisdn, string reasonPart)
    {
        var json = Json(f => f["msisdn"] = "PLACEHOLDER").Replace("PLACEHOLDER", msisdn, StringComparison.Ordinal);

        AssertRefused(json, reasonPart);
    }

    [Fact]
    public void Refuses_more_than_one_value()
    {
        AssertRefused(Json() + " {}", "there is more after the event's object");
    }

    [Fact]
    public void Reads_an_event_padded_with_whitespace()
    {
        Assert.True(Read("  \n" + Json() + "\r\n ", Now, out _, out var reason), reason);
    }

    [Fact]
    public void Refuses_nesting_deeper_than_any_input_needs_without_failing()
    {
        var json = Json().TrimEnd('}') + ",\"deep\":" + new string('[', 100) + new string(']', 100) + "}";

        AssertRefused(json, "not valid JSON");
    }

    private static bool Read(string json, DateTimeOffset now, out ProbeEvent? probe, out string reason) =>
        ProbeEventReader.TryRead(Encoding.UTF8.GetBytes(json), now, out probe, out reason);

    private static void AssertRefused(string json, string reasonPart) => AssertRefused(Encoding.UTF8.GetBytes(json), reasonPart);

    private static void AssertRefused(byte[] json, string reasonPart)
    {
        Assert.False(ProbeEventReader.TryRead(json, Now, out var probe, out var reason));
        Assert.Null(probe);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }

    private static string Json(Action<Dictionary<string, object?>>? change = null)
    {
        var fields = new Dictionary<string, object?>
        {
            ["eventId"] = "evt-1",
            ["msisdn"] = "447700900123",
            ["type"] = "CALL_DROP",
            ["status"] = "FAIL",
            ["timestamp"] = "2026-11-25T11:58:00Z",
            ["cell"] = "ECGI-234-15-1234-56",
            ["deviceTac"] = "35693803",
            ["vendor"] = "Ericsson",
        };
        change?.Invoke(fields);
        return JsonSerializer.Serialize(fields);
    }
}
