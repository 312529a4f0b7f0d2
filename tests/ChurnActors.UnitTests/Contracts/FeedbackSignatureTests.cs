using System.Security.Cryptography;
using System.Text;

namespace ChurnActors.UnitTests.Contracts;

public sealed class FeedbackSignatureTests
{
    private const string Secret = "test-feedback-secret";
    private const long Timestamp = 1_795_608_000;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"contactId":"c-1","engagementId":"eng-0123abcd-0123456789abcdef","msisdn":"+447700900123","score":4}""");

    [Fact]
    public void Is_hex_hmac_sha256_of_the_timestamp_a_newline_and_the_body()
    {
        byte[] message = [.. Encoding.UTF8.GetBytes($"{Timestamp}\n"), .. Body];
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(message));

        Assert.Equal(expected, FeedbackSignature.Compute(Secret, Timestamp, Body));
        Assert.Matches("^[0-9a-f]{64}$", FeedbackSignature.Compute(Secret, Timestamp, Body));
    }

    [Fact]
    public void Matches_a_fixed_vector()
    {
        // Computed outside .NET: HMAC-SHA256("test-feedback-secret", "1795608000\n" + body).
        Assert.Equal("fe2a4a2b653cdb8dcacca166fa8c57b0bae00bd4bf631cb36e4011721779c149", FeedbackSignature.Compute(Secret, Timestamp, Body));
        Assert.Equal(
            "94927f15800af4bd47442c8d677ef35602e2b241196130047d680c35fab2b079",
            FeedbackSignature.Compute("key", 1, Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog")));
    }

    [Fact]
    public void Matches_is_case_insensitive_on_hex()
    {
        var signature = FeedbackSignature.Compute(Secret, Timestamp, Body);

        Assert.True(FeedbackSignature.Matches(Secret, Timestamp, Body, signature));
        Assert.True(FeedbackSignature.Matches(Secret, Timestamp, Body, signature.ToUpperInvariant()));
    }

    [Fact]
    public void Does_not_match_a_changed_body_timestamp_or_secret()
    {
        var signature = FeedbackSignature.Compute(Secret, Timestamp, Body);
        var changedBody = Body.ToArray();
        changedBody[^2] = (byte)'5';

        Assert.False(FeedbackSignature.Matches(Secret, Timestamp, changedBody, signature));
        Assert.False(FeedbackSignature.Matches(Secret, Timestamp + 1, Body, signature));
        Assert.False(FeedbackSignature.Matches("another-secret", Timestamp, Body, signature));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-hex")]
    [InlineData("00")]
    public void Does_not_match_a_malformed_signature(string presented)
    {
        Assert.False(FeedbackSignature.Matches(Secret, Timestamp, Body, presented));
    }

    [Fact]
    public void Does_not_match_a_truncated_signature()
    {
        var signature = FeedbackSignature.Compute(Secret, Timestamp, Body);

        Assert.False(FeedbackSignature.Matches(Secret, Timestamp, Body, signature[..^2]));
    }
}
