using System.Net.Http.Json;
using ChurnActors.Adapters.Archive;
using ChurnActors.Grains.Archive;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// A lake that stays unavailable: each archiver holds at most its bounded buffer, then refuses
/// records so the stream keeps them, and everything arrives, once, when the lake is back.
/// </summary>
public sealed class ArchiveBackpressureTests
{
    [Fact]
    public async Task With_its_buffer_full_an_archiver_refuses_records_and_the_stream_delivers_them_once_the_lake_is_back()
    {
        var lake = Path.Combine(Path.GetTempPath(), "churn-test-gated-lake-" + Guid.NewGuid().ToString("N"));
        var sink = new GatedSink(new LocalDirectoryArchiveSink(lake));
        var subscribers = Enumerable.Range(0, 8).Select(_ => Probe.NewMsisdn()).ToArray();
        try
        {
            await using (var silo = await TestSilo.StartAsync(
                new Dictionary<string, string?>
                {
                    ["Churn:Archive:FlushRows"] = "5",
                    ["Churn:Archive:MaxBufferedRows"] = "5",
                    ["Churn:Archive:FlushInterval"] = "00:00:00.500",
                },
                services => services.AddSingleton<IArchiveSink>(sink)))
            {
                // Far more than five rows per partition while the lake is closed.
                await silo.Http.PostAsJsonAsync("/api/v1/probe-events", subscribers.SelectMany(m => Probe.BadExperience(m)).ToArray());
                await ChurnHost.EventuallyAsync(() => Task.FromResult(sink.Refused), refused => refused >= 8, "archivers to find the lake closed");

                // Every subscriber is called and answers (2 calls a second) while the lake stays closed.
                foreach (var msisdn in subscribers)
                {
                    await ChurnHost.EventuallyAsync(
                        () => silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", System.Text.Json.JsonSerializerOptions.Web),
                        v => v!.Feedback.Count == 1,
                        "the answer");
                }

                Assert.Empty(await LakeReader.ReadTableAsync(lake, "incidents"));
                sink.Open();
                await ChurnHost.EventuallyAsync(
                    async () => (await LakeReader.ReadTableAsync(lake, "sentiment")).Count(r => subscribers.Contains((string)r["msisdn"]!)),
                    count => count == subscribers.Length,
                    "every answer's sentiment row once the lake is open",
                    TimeSpan.FromSeconds(90));
            }

            var incidents = (await LakeReader.ReadTableAsync(lake, "incidents")).Where(r => subscribers.Contains((string)r["msisdn"]!)).ToList();
            Assert.Equal(subscribers.Length * 3, incidents.Count);
            Assert.Equal(incidents.Count, incidents.Select(r => r["event_id"]).Distinct().Count());
            Assert.Equal(subscribers.Length, (await LakeReader.ReadTableAsync(lake, "sentiment")).Count(r => subscribers.Contains((string)r["msisdn"]!)));
        }
        finally
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }

    /// <summary>A lake that refuses every write until it is opened.</summary>
    private sealed class GatedSink(IArchiveSink inner) : IArchiveSink
    {
        private volatile bool _open;
        private int _refused;

        public int Refused => Volatile.Read(ref _refused);

        public void Open() => _open = true;

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            if (!_open)
            {
                Interlocked.Increment(ref _refused);
                throw new IOException("the lake is closed");
            }

            return inner.PutAsync(key, content, cancellationToken);
        }
    }
}
