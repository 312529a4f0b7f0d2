using System.Net.Http.Json;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Silo;

/// <summary>Records buffered by the archivers reach the lake when the silo stops, not only on their timer.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_silo_flushes_the_archive_buffers()
    {
        await using var silo = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Churn:Archive:FlushInterval"] = "01:00:00",
        });
        var msisdn = Probe.NewMsisdn();
        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", new[] { Probe.Event(msisdn, "CALL_DROP", true), Probe.Event("bad", "CALL_DROP", true) });

        // Stream delivery is asynchronous: give the archivers the records before stopping.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(await LakeReader.ReadTableAsync(silo.LakePath, "incidents"));

        await silo.StopAsync();

        var incident = Assert.Single(await LakeReader.ReadTableAsync(silo.LakePath, "incidents"));
        Assert.Equal(msisdn, incident["msisdn"]);
        Assert.Single(await LakeReader.ReadTableAsync(silo.LakePath, "rejected"));
    }
}
