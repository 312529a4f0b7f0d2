using ChurnActors.Gateway.Logging;

namespace ChurnActors.Tests.Gateway.Logging;

public sealed class PhoneNumberRedactionTests
{
    [Theory]
    [InlineData("Error from storage provider for grain subscriber/+447400900700", "Error from storage provider for grain subscriber/+44********00")]
    [InlineData("Request starting HTTP/1.1 GET http://x/api/v1/subscribers/%2B447400900700", "Request starting HTTP/1.1 GET http://x/api/v1/subscribers/%2B44********00")]
    [InlineData("GET /api/v1/subscribers/447400900700 failed", "GET /api/v1/subscribers/44********00 failed")]
    [InlineData("stream churn-probes/+12125551234 and \"+81312345678\"", "stream churn-probes/+12*******34 and \"+81*******78\"")]
    [InlineData("msisdn=447400900700", "msisdn=44********00")]
    public void Masks_every_phone_number_keeping_country_code_and_last_two_digits(string line, string masked)
    {
        Assert.Equal(masked, PhoneNumberRedaction.Redact(line));
    }

    [Theory]
    [InlineData("shard shardId-000000000001 of stream churn-probes")]
    [InlineData("sequence 49671234567890123456789012345678901234567890123456")]
    [InlineData("silo S127.0.0.1:11111:155163489 joined")]
    [InlineData("writer p0-1764619200000 wrote 1687722 bytes")]
    [InlineData("took 12345 ms for 250000 events")]
    [InlineData("")]
    public void Leaves_numbers_that_are_not_phone_numbers(string line)
    {
        Assert.Equal(line, PhoneNumberRedaction.Redact(line));
    }
}
