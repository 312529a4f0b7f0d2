using System.Net.Http.Json;
using ChurnActors.Silo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Tests.Silo;

/// <summary>Records buffered by the archivers reach the lake when the silo stops, not only on their timer.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_silo_flushes_the_archive_buffers()
    {
        var lake = Path.Combine(Path.GetTempPath(), "churn-shutdown-lake-" + Guid.NewGuid().ToString("N"));
        try
        {
            var app = ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Churn:Clustering:SiloPort"] = ChurnHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Churn:Clustering:GatewayPort"] = ChurnHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Churn:Clustering:ClusterId"] = "churn-shutdown-test",
                ["Churn:Archive:LocalDirectory:Path"] = lake,
                ["Churn:Archive:FlushInterval"] = "01:00:00",
                ["Churn:Simulator:Enabled"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
            }));
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
            var msisdn = Probe.NewMsisdn();
            await http.PostAsJsonAsync("/api/v1/probe-events", new[] { Probe.Event(msisdn, "CALL_DROP", true), Probe.Event("bad", "CALL_DROP", true) });

            // Stream delivery is asynchronous: give the archivers the records before stopping.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Empty(await LakeReader.ReadTableAsync(lake, "incidents"));

            await app.StopAsync();
            await app.DisposeAsync();

            var incident = Assert.Single(await LakeReader.ReadTableAsync(lake, "incidents"));
            Assert.Equal(msisdn, incident["msisdn"]);
            Assert.Single(await LakeReader.ReadTableAsync(lake, "rejected"));
        }
        finally
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }
}
