using ChurnActors.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChurnActors.Tests.Silo;

/// <summary>A bad configuration value stops the silo at start, with the key it is under.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Churn:Detection:Thresholds:CallDrop", "1.5")]
    [InlineData("Churn:Detection:MinSamples", "0")]
    [InlineData("Churn:ContactPolicy:CallingHours:End", "08:00")]
    [InlineData("Churn:ContactPolicy:MaxPer30Days", "0")]
    [InlineData("Churn:Sentiment:Start", "11")]
    [InlineData("Churn:Dialer:Connect:RequestsPerSecond", "0")]
    [InlineData("Churn:Gateway:Access:Password", "too-short")]
    [InlineData("Churn:Telemetry:TraceSampleRatio", "1.5")]
    public async Task An_out_of_range_value_stops_the_start_naming_its_key(string key, string value)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            // Sections that choose providers fail while the host is built; the rest when it starts.
            await using var app = ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(Settings(key, value)));
            await app.StartAsync();
        });

        Assert.Contains(exception.Failures, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Churn:Streams:Provider", "Kinesis")]
    [InlineData("Churn:Streams:Kinesis:RecordStream", "churn-probe-events")]
    [InlineData("Churn:Streams:Kinesis:ProbeStream", "no spaces")]
    [InlineData("Churn:Streams:Kinesis:Region", "")]
    [InlineData("Churn:Clustering:Redis:ConnectionString", "")]
    [InlineData("Churn:Archive:S3:Region", "")]
    [InlineData("Churn:Simulator:DegradedCells", "500")]
    public void A_provider_or_setting_this_build_cannot_serve_stops_the_build_naming_its_key(string key, string value)
    {
        var settings = Settings(key, value);
        settings["Churn:Archive:S3:Bucket"] = "lake";
        if (key.StartsWith("Churn:Archive:S3", StringComparison.Ordinal))
        {
            settings["Churn:Archive:Provider"] = "S3";
        }

        if (key.StartsWith("Churn:Clustering:Redis", StringComparison.Ordinal))
        {
            settings["Churn:Clustering:Provider"] = "Redis";
        }

        // Kinesis on AWS; its checkpoints need DynamoDB, which the storage section must name (the bare provider switch leaves it out).
        if (key.StartsWith("Churn:Streams", StringComparison.Ordinal))
        {
            settings["Churn:Streams:Provider"] = "Kinesis";
            settings.TryAdd("Churn:Streams:Kinesis:Region", "eu-west-1");
            if (key != "Churn:Streams:Provider")
            {
                settings["Churn:Storage:Provider"] = "DynamoDb";
                settings["Churn:Storage:DynamoDb:Region"] = "eu-west-1";
            }
        }

        var exception = Assert.Throws<OptionsValidationException>(() => ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        Assert.Contains(exception.Failures, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Churn:Storage:DynamoDb:TableName", "x")]
    [InlineData("Churn:Storage:DynamoDb:Region", "")]
    public void DynamoDb_storage_needs_a_table_name_and_on_aws_a_region(string key, string value)
    {
        var settings = Settings("Churn:Storage:Provider", "DynamoDb");
        settings[key] = value;

        var exception = Assert.Throws<OptionsValidationException>(() => ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        Assert.Contains(exception.Failures, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Churn:Dialer:Connect:InstanceId")]
    [InlineData("Churn:Dialer:Connect:ContactFlowId")]
    [InlineData("Churn:Dialer:Connect:SourcePhoneNumber")]
    [InlineData("Churn:Dialer:Connect:Region")]
    public void The_connect_dialer_needs_its_instance_flow_number_and_region(string missing)
    {
        var settings = Settings("Churn:Dialer:Provider", "Connect");
        foreach (var (key, value) in new[]
        {
            ("Churn:Dialer:Connect:InstanceId", "instance"),
            ("Churn:Dialer:Connect:ContactFlowId", "flow"),
            ("Churn:Dialer:Connect:SourcePhoneNumber", "+15550100"),
            ("Churn:Dialer:Connect:Region", "eu-west-2"),
        })
        {
            settings[key] = key == missing ? "" : value;
        }

        var exception = Assert.Throws<OptionsValidationException>(() => ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        Assert.Contains(exception.Failures, f => f.StartsWith(missing, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Churn:Clustering:SiloPort", "eleven")]
    [InlineData("Churn:Telemetry:MetricsOpenTo", "Everyone")]
    public void A_value_of_the_wrong_type_names_its_key(string key, string value)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => ChurnSiloHost.Build([], builder =>
            builder.Configuration.AddInMemoryCollection(Settings(key, value))));

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_on_its_own_requires_the_feedback_secret()
    {
        await using var app = ChurnActors.Gateway.GatewayHost.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
        }));

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(exception.Failures, f => f.StartsWith("Churn:Gateway:FeedbackSecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silo_that_does_not_open_loopback_requires_the_operator_password()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(Settings("Churn:Gateway:Access:OpenOnLoopback", "false")));
            await app.StartAsync();
        });

        Assert.Contains(exception.Failures, f => f.StartsWith("Churn:Gateway:Access:Password: is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_gateway_on_its_own_requires_the_operator_password()
    {
        await using var app = ChurnActors.Gateway.GatewayHost.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Churn:Gateway:FeedbackSecret"] = ChurnHost.FeedbackSecret,
        }));

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(exception.Failures, f => f.StartsWith("Churn:Gateway:Access:Password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_silo_reports_the_settings_of_the_modules_it_chose_and_never_a_secret_or_a_number()
    {
        var settings = Settings("Churn:Dialer:Provider", "Connect");
        settings["Churn:Dialer:Connect:InstanceId"] = "instance-7";
        settings["Churn:Dialer:Connect:ContactFlowId"] = "flow-7";
        settings["Churn:Dialer:Connect:SourcePhoneNumber"] = "+441632960777";
        settings["Churn:Dialer:Connect:Region"] = "eu-west-2";
        settings["Churn:Gateway:FeedbackSecret"] = "a-feedback-secret-nobody-logs";
        settings["Churn:Gateway:Access:Password"] = "an-operator-password-nobody-logs";
        await using var app = ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));

        var sections = app.Services.GetRequiredService<ChurnActors.Silo.Configuration.SettingsReport>().Sections().ToDictionary(s => s.Section, s => s.Settings);
        var all = string.Join("\n", sections.Select(s => $"{s.Key}: {s.Value}"));

        Assert.Equal("Connect", sections["Churn:Dialer:Provider"]);
        Assert.Contains("InstanceId=instance-7", sections["Churn:Dialer:Connect"], StringComparison.Ordinal);
        Assert.Contains("SourcePhoneNumber=REDACTED", sections["Churn:Dialer:Connect"], StringComparison.Ordinal);
        Assert.Contains("Path=data/lake", sections["Churn:Archive:LocalDirectory"], StringComparison.Ordinal);
        Assert.DoesNotContain("Churn:Archive:S3", sections.Keys);
        Assert.DoesNotContain("Churn:Storage:DynamoDb", sections.Keys);
        Assert.Contains("Connect=(RequestsPerSecond=2, Burst=5, MaxConcurrentCalls=10)", sections["Churn:Dialer"], StringComparison.Ordinal);
        foreach (var secret in new[] { "a-feedback-secret-nobody-logs", "an-operator-password-nobody-logs", "1632960777" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string?> Settings(string key, string value) => new()
    {
        ["Urls"] = "http://127.0.0.1:0",
        ["Churn:Simulator:Enabled"] = "false",
        ["Churn:Clustering:SiloPort"] = ChurnHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Churn:Clustering:GatewayPort"] = ChurnHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        [key] = value,
    };
}
