using ChurnActors.Configuration;
using Microsoft.Extensions.Configuration;
using Orleans;

namespace ChurnActors.UnitTests.Contracts;

/// <summary>Options as a log line: every setting by its configuration key, secrets only as Orleans' [Redact] says.</summary>
public sealed class OptionsTextTests
{
    [Fact]
    public void Every_setting_is_named_by_its_key_and_nested_sections_in_brackets()
    {
        var text = OptionsText.Describe(new Sample { Name = "lake", Size = 1.5, Window = TimeSpan.FromMinutes(15), Inner = new SampleInner { Items = [1, 2] } });

        Assert.Equal("Name=lake, Size=1.5, Window=00:15:00, Key=(Items=[1, 2], Token=(unset)), Secret=(unset)", text);
    }

    [Fact]
    public void A_redacted_setting_says_only_whether_it_is_set()
    {
        var text = OptionsText.Describe(new Sample { Secret = "hunter2-hunter2-hunter2", Inner = new SampleInner { Token = "+447700900123" } });

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("7700900123", text, StringComparison.Ordinal);
        Assert.Contains("Secret=REDACTED", text, StringComparison.Ordinal);
        Assert.Contains("Token=REDACTED", text, StringComparison.Ordinal);
    }

    private sealed class Sample
    {
        public string? Name { get; set; }

        public double Size { get; set; }

        public TimeSpan Window { get; set; }

        [ConfigurationKeyName("Key")]
        public SampleInner Inner { get; set; } = new();

        [Redact]
        public string? Secret { get; set; }

        public string ReadOnly => "not a setting";
    }

    private sealed class SampleInner
    {
        public List<int> Items { get; set; } = [];

        [Redact]
        public string? Token { get; set; }
    }
}
