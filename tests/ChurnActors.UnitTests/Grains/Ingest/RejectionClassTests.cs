using System.Text;
using ChurnActors.Grains.Ingest;

namespace ChurnActors.UnitTests.Grains.Ingest;

/// <summary>
/// The reader's own reasons, as it gives them, fall into the classes the metrics name: a reason
/// reworded in the reader and no longer recognised fails here instead of turning into
/// <c>invalid_field</c> on the dashboards.
/// </summary>
public sealed class RejectionClassTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private const string Valid = "\"eventId\":\"e1\",\"msisdn\":\"+447700900123\",\"type\":\"CALL_DROP\",\"status\":\"FAIL\",\"timestamp\":\"2026-11-25T11:58:00Z\",\"cell\":\"c1\"";

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe }, RejectionClass.Malformed)]
    [InlineData(new byte[0], RejectionClass.Malformed)]
    public void Bytes_that_are_no_event_are_malformed(byte[] payload, string expected) =>
        Assert.Equal(expected, ClassOf(payload));

    [Theory]
    [InlineData("{\"eventId\":", RejectionClass.Malformed)]
    [InlineData("[1]", RejectionClass.Malformed)]
    [InlineData("{" + Valid + "} x", RejectionClass.Malformed)]
    [InlineData("{" + Valid + ",\"cell\":\"c2\"}", RejectionClass.DuplicateField)]
    [InlineData("{\"msisdn\":\"+447700900123\",\"type\":\"CALL_DROP\",\"status\":\"FAIL\",\"timestamp\":\"2026-11-25T11:58:00Z\",\"cell\":\"c1\"}", RejectionClass.MissingField)]
    [InlineData("{\"eventId\":\"e1\",\"type\":\"CALL_DROP\",\"status\":\"FAIL\",\"timestamp\":\"2026-11-25T11:58:00Z\",\"cell\":\"c1\"}", RejectionClass.MissingField)]
    [InlineData("{\"eventId\":\"e1\",\"msisdn\":\"12\",\"type\":\"CALL_DROP\",\"status\":\"FAIL\",\"timestamp\":\"2026-11-25T11:58:00Z\",\"cell\":\"c1\"}", RejectionClass.Msisdn)]
    [InlineData("{\"eventId\":\"e1\",\"msisdn\":\"+447700900123\",\"type\":\"CALL_DROP\",\"status\":\"FAIL\",\"timestamp\":\"yesterday\",\"cell\":\"c1\"}", RejectionClass.Timestamp)]
    [InlineData("{\"eventId\":\"e1\",\"msisdn\":\"+447700900123\",\"type\":\"CALL_DROP\",\"status\":\"FAIL\",\"timestamp\":\"2026-11-26T11:58:00Z\",\"cell\":\"c1\"}", RejectionClass.Timestamp)]
    [InlineData("{\"eventId\":\"e1\",\"msisdn\":\"+447700900123\",\"type\":\"CALL_DROPPED\",\"status\":\"FAIL\",\"timestamp\":\"2026-11-25T11:58:00Z\",\"cell\":\"c1\"}", RejectionClass.InvalidField)]
    [InlineData("{" + Valid + ",\"deviceTac\":\"123\"}", RejectionClass.InvalidField)]
    public void Each_reason_of_the_reader_has_its_class(string json, string expected) =>
        Assert.Equal(expected, ClassOf(Encoding.UTF8.GetBytes(json)));

    private static string ClassOf(byte[] payload)
    {
        Assert.False(ProbeEventReader.TryRead(payload, Now, out _, out var reason));
        return RejectionClass.Of(reason);
    }
}
