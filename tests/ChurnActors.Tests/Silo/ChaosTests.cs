using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// The production shape on one machine, every part its own process: three silos and two gateways on
/// Redis membership, state and checkpoints on dynalite, probe and record streams on kinesalite, calls
/// through the Connect stand-in, which answers each through the project's Connect hook and the
/// gateways in turn. Under steady probe load, every 30 s a random silo is killed (SIGKILL) and a new
/// one started; once, Redis is killed for 30 s instead. At the end every event is counted once, no
/// engagement is dialled twice, no answer is lost, and every kill healed within 15 s.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ChaosTests(DynamoDbServer dynamo, KinesisServer kinesis, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan KillEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealWithin = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RedisDownFor = TimeSpan.FromSeconds(30);

    /// <summary>Nine kills and one Redis outage, 30 s apart: five and a half minutes of load.</summary>
    private const int Slots = 10;
    private const int RedisSlot = 5;

    /// <summary>Accepted answers as the gateway words them (docs/design.md §5).</summary>
    private static readonly string[] Accepted = ["recorded", "already-recorded", "no-input-recorded"];

    [Fact]
    public async Task Silos_killed_every_30_s_and_Redis_down_for_30_s_lose_and_double_nothing_and_heal_within_15_s()
    {
        var instance = "instance-" + Guid.NewGuid().ToString("N")[..8];
        var clusterId = "churn-chaos-" + Guid.NewGuid().ToString("N")[..8];
        var probeStream = KinesisServer.NewStreamName();
        var checkpointTable = DynamoDbServer.NewTableName();
        var lake = Path.Combine(Path.GetTempPath(), "churn-chaos-lake-" + Guid.NewGuid().ToString("N"));
        var redis = await RedisServer.StartDurableAsync();
        var gatewayUrls = new[] { new Uri($"http://127.0.0.1:{ChurnHost.FreePort()}"), new Uri($"http://127.0.0.1:{ChurnHost.FreePort()}") };
        var connect = await ConnectStandIn.StartAnsweringAsync(gatewayUrls, TimeSpan.FromSeconds(1));

        var clustering = new Dictionary<string, string?>
        {
            ["Churn:Clustering:Provider"] = "Redis",
            ["Churn:Clustering:Redis:ConnectionString"] = redis.ConnectionString,
            ["Churn:Clustering:ClusterId"] = clusterId,
        };
        var settings = KinesisProbes.Settings(dynamo, kinesis, probeStream, checkpointTable);
        foreach (var (key, value) in clustering.Concat(connect.DialerSettings(instance)))
        {
            settings[key] = value;
        }

        var recordStream = settings["Churn:Streams:Kinesis:RecordStream"]!;
        settings["Churn:Streams:Kinesis:CheckpointInterval"] = "00:00:01";
        settings["Churn:Archive:LocalDirectory:Path"] = lake;
        settings["Churn:Dialer:Connect:MaxConcurrentCalls"] = "100";
        settings["Churn:ContactPolicy:CallingHours:Start"] = "00:00";
        settings["Churn:ContactPolicy:CallingHours:End"] = "1.00:00";
        // Offers and placed calls are logged (a few lines per engagement), timestamped, to explain a late one.
        settings["Logging:LogLevel:ChurnActors.Grains.Dispatch"] = "Information";
        settings["Logging:LogLevel:ChurnActors.Grains.Subscribers"] = "Information";
        settings["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ";
        settings["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true";
        settings["AWS_ACCESS_KEY_ID"] = ConnectStandIn.Credentials.AccessKeyId;
        settings["AWS_SECRET_ACCESS_KEY"] = ConnectStandIn.Credentials.SecretAccessKey;

        var gateways = new List<ChurnProcess>();
        var killedLogs = new List<string>();
        try
        {
            await ChurnProcess.WithSilosAsync(async silos =>
            {
                // The first silo creates the streams and the checkpoint table; the others join it.
                silos.Add(await ChurnProcess.StartAsync(settings));
                silos.Add(await ChurnProcess.StartAsync(settings));
                silos.Add(await ChurnProcess.StartAsync(settings));
                foreach (var url in gatewayUrls)
                {
                    gateways.Add(await ChurnProcess.StartGatewayAsync(new Dictionary<string, string?>(clustering) { ["Urls"] = url.ToString() }));
                }

                await using var observer = await TestGateway.StartAsync(new Dictionary<string, string?>(clustering) { ["Churn:Gateway:Access:Password"] = "an-observer-password" });
                var management = observer.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
                await ChurnHost.EventuallyAsync(() => ActiveSilosAsync(management), n => n == 3, "three active silos", TimeSpan.FromSeconds(60));
                var shards = new Shards(dynamo, checkpointTable, probeStream, recordStream);
                await ChurnHost.EventuallyAsync(() => shards.OwnersAsync(), o => o.Complete && o.HeldBy(silos), "every shard of both streams claimed", TimeSpan.FromSeconds(60));

                var load = new Load(kinesis.Client(), probeStream);
                using var stopLoad = new CancellationTokenSource();
                var loading = load.RunAsync(stopLoad.Token);
                var clock = Stopwatch.StartNew();
                var heals = new List<Heal>();
                var spreads = new List<string>();
                RedisOutage? outage = null;
                for (var slot = 1; slot <= Slots; slot++)
                {
                    // After the outage, membership gets 15 s to settle before the next kill.
                    var at = KillEvery * slot + (slot > RedisSlot ? TimeSpan.FromSeconds(15) : TimeSpan.Zero);
                    await Task.Delay(at - clock.Elapsed > TimeSpan.Zero ? at - clock.Elapsed : TimeSpan.Zero);
                    Assert.False(loading.IsCompleted, $"the load stopped: {loading.Exception}");
                    var owners = await shards.OwnersAsync();
                    spreads.Add(owners.Describe());
                    Assert.True(owners.Even(silos.Count), $"before slot {slot} the shards are not spread evenly over {silos.Count} silos: {owners.Describe()}");

                    if (slot == RedisSlot)
                    {
                        outage = await RedisOutageAsync(redis, silos, gateways, load, management);
                        continue;
                    }

                    heals.Add(await KillAndHealAsync(slot, silos, settings, shards, connect, instance, management, killedLogs));
                }

                stopLoad.Cancel();
                await loading;
                var loadEnded = clock.Elapsed;
                output.WriteLine($"Load: {load.Events} events put for {load.Sent.Count} subscribers ({load.Engaged.Count} driven to an engagement) over {loadEnded.TotalSeconds:F0} s.");
                foreach (var heal in heals)
                {
                    output.WriteLine(heal.ToString());
                }

                output.WriteLine(outage!.ToString());
                output.WriteLine($"Shards before each slot: {string.Join(" | ", spreads)}");

                await AssertNothingLostOrDoubledAsync(silos, gateways, load, connect, instance, heals, outage, killedLogs);
                Assert.All(heals, heal => Assert.True(heal.Healed <= HealWithin, $"{heal}: not healed within {HealWithin.TotalSeconds:F0} s"));
                Assert.Contains(heals, heal => heal.HeldDispatcher);
                Assert.True(outage.ServedWhileDown, $"{outage}");
                Assert.True(outage.MembershipBackAfter <= TimeSpan.FromSeconds(30), $"{outage}");
            });
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }

            await connect.DisposeAsync();
            await redis.DisposeAsync();
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }

    /// <summary>
    /// Kills one silo (the dispatcher's in the first slot, so that case is always met; a random one
    /// after), starts a new one at once, and measures the heal: the lost silo's shards claimed by the
    /// others, and the first call placed after the kill.
    /// </summary>
    private static async Task<Heal> KillAndHealAsync(
        int slot, List<ChurnProcess> silos, Dictionary<string, string?> settings, Shards shards, ConnectStandIn connect, string instance, IManagementGrain management, List<string> killedLogs)
    {
        var dispatcherAt = await DispatcherSiloPortAsync(management);
        var victim = slot == 1 && silos.FirstOrDefault(s => s.SiloPort == dispatcherAt) is { } dispatcher ? dispatcher : silos[Random.Shared.Next(silos.Count)];
        var heldBefore = (await shards.OwnersAsync()).CountHeldBy(victim.SiloPort);
        var killedAt = DateTimeOffset.UtcNow;
        var sinceKill = Stopwatch.StartNew();
        await victim.KillAsync();
        silos.Remove(victim);
        killedLogs.AddRange(victim.AllLines().Select(line => $"[{victim.SiloPort}] {line}"));
        await victim.DisposeAsync();
        var replacing = ChurnProcess.StartAsync(settings);

        TimeSpan? shardsBack = heldBefore == 0 ? TimeSpan.Zero : null;
        TimeSpan? callAgain = null;
        while (sinceKill.Elapsed < TimeSpan.FromSeconds(25) && (shardsBack is null || callAgain is null))
        {
            if (shardsBack is null && (await shards.OwnersAsync()) is { Complete: true } owners && owners.CountHeldBy(victim.SiloPort) == 0)
            {
                shardsBack = sinceKill.Elapsed;
            }

            if (callAgain is null && (await connect.RequestsAsync(instance)).FirstOrDefault(r => r.At > killedAt.ToUnixTimeMilliseconds()) is { } first)
            {
                callAgain = DateTimeOffset.FromUnixTimeMilliseconds(first.At) - killedAt;
            }

            await Task.Delay(200);
        }

        var replacement = await replacing;
        silos.Add(replacement);
        return new Heal(slot, killedAt, victim.SiloPort, victim.SiloPort == dispatcherAt, heldBefore, shardsBack, callAgain, sinceKill.Elapsed);
    }

    /// <summary>
    /// Kills Redis for 30 s: meanwhile the silos go on counting events and the gateways on answering;
    /// once it is back, membership is whole again (every silo active) within seconds.
    /// </summary>
    private static async Task<RedisOutage> RedisOutageAsync(RedisServer redis, List<ChurnProcess> silos, List<ChurnProcess> gateways, Load load, IManagementGrain management)
    {
        var sample = load.Sent.Keys.Take(100).ToArray();
        var countedBefore = await CountedAsync(silos[0].Http, sample);
        var downAt = DateTimeOffset.UtcNow;
        await redis.KillAsync();
        var down = Stopwatch.StartNew();
        var answered = 0;
        var asked = 0;
        while (down.Elapsed < RedisDownFor)
        {
            foreach (var http in gateways.Select(g => g.Http).Concat(silos.Select(s => s.Http)))
            {
                asked++;
                try
                {
                    using var response = await http.GetAsync($"/api/v1/subscribers/{Uri.EscapeDataString(sample[asked % sample.Length])}");
                    answered += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
                }
                catch (HttpRequestException)
                {
                }
            }

            await Task.Delay(1000);
        }

        var countedDuring = await CountedAsync(silos[0].Http, sample);
        var upAt = DateTimeOffset.UtcNow;
        await redis.StartAsync();
        var back = Stopwatch.StartNew();
        await ChurnHost.EventuallyAsync(() => ActiveSilosAsync(management), n => n == silos.Count, "every silo active again after Redis returned", TimeSpan.FromSeconds(90));
        return new RedisOutage(downAt, upAt, countedBefore, countedDuring, answered, asked, back.Elapsed);
    }

    private async Task AssertNothingLostOrDoubledAsync(
        List<ChurnProcess> silos, List<ChurnProcess> gateways, Load load, ConnectStandIn connect, string instance, List<Heal> heals, RedisOutage outage, List<string> killedLogs)
    {
        var http = gateways[0].Http;

        // Every event put on the probe stream is counted, once: the profile counts sessions by event id.
        var drain = Stopwatch.StartNew();
        foreach (var (msisdn, sent) in load.Sent)
        {
            await ChurnHost.EventuallyAsync(() => KinesisProbes.SessionsAsync(http, msisdn), n => n >= sent, $"the {sent} events of {Msisdns.Mask(msisdn)} counted", TimeSpan.FromMinutes(3) - drain.Elapsed);
        }

        output.WriteLine($"Every event counted {drain.Elapsed.TotalSeconds:F1} s after the load ended.");
        await Task.Delay(3000);
        foreach (var (msisdn, sent) in load.Sent)
        {
            Assert.Equal(sent, await KinesisProbes.SessionsAsync(http, msisdn));
        }

        // Every subscriber driven to an engagement was called once, and every call answered and taken.
        var requests = await ChurnHost.EventuallyAsync(
            () => connect.RequestsAsync(instance),
            r => load.Engaged.All(m => r.Any(x => x.Destination == m && x.ContactId is not null)),
            "a call placed for every engagement",
            TimeSpan.FromMinutes(3));
        var answers = await ChurnHost.EventuallyAsync(
            connect.AnswersAsync,
            a => a.Count == requests.Select(r => r.ContactId).Where(c => c is not null).Distinct().Count() && a.All(x => x.Status != "pending"),
            "an answer handed to the hook for every contact",
            TimeSpan.FromMinutes(3));
        // From a subscriber's last bad session on the stream to its first dial request: its decision and
        // the queue, and, across a kill, the shard's takeover or the dispatcher's (its state, or the
        // subscriber's 15 s reminder for an offer younger than the dispatcher's last write).
        var waits = requests.GroupBy(r => r.Destination).Select(g => (Msisdn: g.Key, Wait: TimeSpan.FromMilliseconds(g.Min(r => r.At) - load.EngagedAt[g.Key]))).ToList();
        var slowest = waits.MaxBy(w => w.Wait);
        output.WriteLine(
            $"{requests.Count} dial requests for {requests.Select(r => r.ClientToken).Distinct().Count()} engagements; {answers.Count} answers, " +
            $"{answers.Count(a => a.Attempts.Count > 1)} needing more than one attempt, {answers.Sum(a => a.Attempts.Count)} attempts in all; " +
            $"by gateway: {string.Join(", ", answers.GroupBy(a => a.Attempts[^1].Gateway).Select(g => $"{g.Key} {g.Count()}"))}; " +
            $"from the last bad session to the first dial request: median {Median(waits.Select(w => w.Wait)).TotalSeconds:F1} s, " +
            $"{waits.Count(w => w.Wait > TimeSpan.FromSeconds(15))} over 15 s, the longest {slowest.Wait.TotalSeconds:F1} s.");
        foreach (var (msisdn, wait) in waits.Where(w => w.Wait > TimeSpan.FromSeconds(15)).OrderBy(w => load.EngagedAt[w.Msisdn]))
        {
            output.WriteLine(await DescribeLateAsync(http, msisdn, wait, load.EngagedAt[msisdn], requests, heals, outage));
            var logs = killedLogs.Concat(silos.SelectMany(silo => silo.AllLines().Select(line => $"[{silo.SiloPort}] {line}"))).ToList();
            foreach (var engagementId in requests.Where(r => r.Destination == msisdn).Select(r => r.Attributes["engagementId"]).Distinct())
            {
                for (var i = 0; i < logs.Count; i++)
                {
                    if (logs[i].Contains(engagementId, StringComparison.Ordinal))
                    {
                        output.WriteLine($"  {(i > 0 ? logs[i - 1] : "")} {logs[i]}");
                    }
                }
            }
        }

        Assert.All(waits, w => Assert.True(w.Wait <= TimeSpan.FromSeconds(30), $"{Msisdns.Mask(w.Msisdn)} waited {w.Wait.TotalSeconds:F1} s from its last bad session to its first dial request"));

        Assert.All(requests, r => Assert.True(r.SignatureValid));
        Assert.Equal(load.Engaged.Order(StringComparer.Ordinal), requests.Select(r => r.Destination).Distinct().Order(StringComparer.Ordinal));
        Assert.All(requests.GroupBy(r => r.Destination), number => Assert.Single(number.Select(r => r.ContactId).Where(c => c is not null).Distinct()));
        Assert.All(requests.GroupBy(r => r.ClientToken), token => Assert.Single(token.Select(r => r.Attributes["engagementId"]).Distinct()));
        Assert.All(answers, a => Assert.True(Accepted.Contains(a.Status), $"the answer to {a.ContactId} ended {a.Status}: {JsonSerializer.Serialize(a.Attempts)}"));
        Assert.All(gatewayUrlsOf(gateways), url => Assert.Contains(answers, a => a.Attempts.Any(x => Accepted.Contains(x.Status) && x.Gateway == url)));

        // Each accepted answer is in its subscriber's profile: a score as feedback and a sentiment
        // change, no input as a closed engagement; the sentiment is the last change's result.
        foreach (var answer in answers)
        {
            var view = await http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(answer.Destination)}", JsonSerializerOptions.Web);
            var engagement = Assert.Single(view!.Engagements, e => e.EngagementId == answer.EngagementId);
            if (answer.Score is { } score)
            {
                Assert.Equal("answered", engagement.Status);
                Assert.Contains(view.Feedback, f => f.EngagementId == answer.EngagementId && f.ContactId == answer.ContactId && f.Score == score);
                var change = Assert.Single(view.SentimentHistory, c => c.EngagementId == answer.EngagementId);
                Assert.Equal(view.SentimentHistory.MaxBy(c => c.At)!.After, view.Sentiment);
                if (answer.Status == "recorded")
                {
                    Assert.Equal(answer.SentimentAfter, change.After.ToString(CultureInfo.InvariantCulture));
                }
            }
            else
            {
                Assert.Equal("no_answer", engagement.Status);
            }
        }

        // Both gateways serve the ops page.
        foreach (var gateway in gateways)
        {
            using var page = await gateway.Http.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }

        static IEnumerable<string> gatewayUrlsOf(List<ChurnProcess> gateways) => gateways.Select(g => g.Address.ToString().TrimEnd('/'));
    }

    /// <summary>
    /// A subscriber that waited long for its call, on the run's timeline: when its bad sessions were
    /// put, when it decided, each dial request, and the kills and the outage near them.
    /// </summary>
    private static async Task<string> DescribeLateAsync(
        HttpClient http, string msisdn, TimeSpan wait, long putAt, IReadOnlyList<ConnectRequest> requests, List<Heal> heals, RedisOutage outage)
    {
        var put = DateTimeOffset.FromUnixTimeMilliseconds(putAt);
        string At(DateTimeOffset at) => $"{(at - put).TotalSeconds:+0.0;-0.0} s";
        var view = await http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web);
        var decided = view!.Engagements.Select(e => $"engagement created {At(e.CreatedAt)}, now {e.Status}").FirstOrDefault() ?? "no engagement";
        var dials = requests.Where(r => r.Destination == msisdn).Select(r => At(DateTimeOffset.FromUnixTimeMilliseconds(r.At)));
        var near = heals.Where(h => Math.Abs((h.KilledAt - put).TotalSeconds) < 90).Select(h => $"kill {h.Slot} of silo {h.SiloPort}{(h.HeldDispatcher ? " (the dispatcher's)" : "")} {At(h.KilledAt)}");
        if (Math.Abs((outage.DownAt - put).TotalSeconds) < 90)
        {
            near = near.Append($"Redis down {At(outage.DownAt)} to {At(outage.UpAt)}");
        }

        return $"Late: {Msisdns.Mask(msisdn)} waited {wait.TotalSeconds:F1} s; bad sessions put at 0 s, {decided}, dial requests {string.Join(", ", dials)}; {string.Join("; ", near)}.";
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task<int> ActiveSilosAsync(IManagementGrain management)
    {
        try
        {
            return (await management.GetHosts(onlyActive: true)).Count;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return -1;
        }
    }

    private static async Task<int?> DispatcherSiloPortAsync(IManagementGrain management)
    {
        try
        {
            var statistics = await management.GetSimpleGrainStatistics();
            return statistics.FirstOrDefault(s => s.GrainType.Contains("DispatchGrain", StringComparison.Ordinal) && s.ActivationCount > 0)?.SiloAddress.Endpoint.Port;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return null;
        }
    }

    private static async Task<int> CountedAsync(HttpClient http, IEnumerable<string> msisdns)
    {
        var total = 0;
        foreach (var msisdn in msisdns)
        {
            total += await KinesisProbes.SessionsAsync(http, msisdn);
        }

        return total;
    }

    private sealed record Heal(int Slot, DateTimeOffset KilledAt, int SiloPort, bool HeldDispatcher, int ShardsHeld, TimeSpan? ShardsBack, TimeSpan? CallAgain, TimeSpan Measured)
    {
        public TimeSpan Healed => ShardsBack is { } shards && CallAgain is { } call ? (shards > call ? shards : call) : TimeSpan.MaxValue;

        public override string ToString() =>
            $"Kill {Slot}: silo {SiloPort}{(HeldDispatcher ? " (the dispatcher's)" : "")} holding {ShardsHeld} shards; " +
            $"its shards claimed after {Seconds(ShardsBack)}, the first call after the kill {Seconds(CallAgain)}.";

        private static string Seconds(TimeSpan? value) => value is { } v ? $"{v.TotalSeconds:F1} s" : "no (25 s)";
    }

    private sealed record RedisOutage(DateTimeOffset DownAt, DateTimeOffset UpAt, int CountedBefore, int CountedDuring, int Answered, int Asked, TimeSpan MembershipBackAfter)
    {
        public bool ServedWhileDown => CountedDuring > CountedBefore && Answered == Asked;

        public override string ToString() =>
            $"Redis down {RedisDownFor.TotalSeconds:F0} s: {CountedDuring - CountedBefore} more sessions of 100 sampled subscribers counted meanwhile, " +
            $"{Answered} of {Asked} API requests answered 200; every silo active again {MembershipBackAfter.TotalSeconds:F1} s after it returned.";
    }

    /// <summary>Who holds each shard of the probe and record streams (the lease owners in the checkpoint table).</summary>
    private sealed class Shards(DynamoDbServer dynamo, string table, string probeStream, string recordStream)
    {
        public async Task<Owners> OwnersAsync()
        {
            var probes = await KinesisProbes.CheckpointsAsync(dynamo.Client, table, probeStream);
            var records = await KinesisProbes.CheckpointsAsync(dynamo.Client, table, recordStream);
            return new Owners(
                probes.ToDictionary(c => c.Key, c => PortOf(c.Value.Owner)),
                records.ToDictionary(c => c.Key, c => PortOf(c.Value.Owner)));
        }

        /// <summary>The owner is "{silo address}#{receiver}", the silo address "127.0.0.1:{port}@{generation}".</summary>
        private static int PortOf(string owner) => int.Parse(owner.Split('#')[0].Split(':')[1].Split('@')[0], CultureInfo.InvariantCulture);
    }

    private sealed record Owners(Dictionary<string, int> Probes, Dictionary<string, int> Records)
    {
        public bool Complete => Probes.Count == 4 && Records.Count == 4;

        public int CountHeldBy(int siloPort) => Probes.Values.Count(p => p == siloPort) + Records.Values.Count(p => p == siloPort);

        public bool HeldBy(List<ChurnProcess> silos) => Probes.Values.Concat(Records.Values).All(p => silos.Any(s => s.SiloPort == p));

        /// <summary>Each stream's shards spread so that no silo holds more than ceil(shards ÷ silos).</summary>
        public bool Even(int silos) =>
            Complete && new[] { Probes, Records }.All(stream => stream.Values.GroupBy(p => p).All(held => held.Count() <= (stream.Count + silos - 1) / silos));

        public string Describe() =>
            $"probes {string.Join(",", Probes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value))} records {string.Join(",", Records.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value))}";
    }

    /// <summary>
    /// The probe system's traffic, as the simulator writes it onto the probe stream: every 250 ms
    /// sessions of a settled population whose sessions all succeed (so none of them is ever called),
    /// and every 2 s one more subscriber whose calls drop (3 OK, then 3 FAIL: one engagement, at a
    /// quarter of Connect's 2 calls a second). Counts what the stream acknowledged.
    /// </summary>
    private sealed class Load(KinesisClient producer, string stream)
    {
        private const int Population = 400;
        private const int SessionsPerTick = 25;
        private static readonly string[] Types = ["CALL_DROP", "CALL_QUALITY", "LOW_BITRATE", "VIDEO_STALLING"];
        private readonly string[] _population = Enumerable.Range(0, Population).Select(_ => Probe.NewMsisdn()).ToArray();
        private long _events;

        /// <summary>Events put (and acknowledged by the stream) per subscriber.</summary>
        public ConcurrentDictionary<string, int> Sent { get; } = new();

        public List<string> Engaged { get; } = [];

        /// <summary>When each engaged subscriber's last bad session was put, in Unix ms.</summary>
        public Dictionary<string, long> EngagedAt { get; } = [];

        public long Events => Interlocked.Read(ref _events);

        public async Task RunAsync(CancellationToken stop)
        {
            var random = new Random(20261202);
            var sequence = 0;
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            for (var tick = 0; await Wait(timer, stop); tick++)
            {
                var batch = new List<(string Msisdn, object Event)>();
                for (var i = 0; i < SessionsPerTick; i++)
                {
                    var msisdn = _population[random.Next(Population)];
                    batch.Add((msisdn, Probe.Event(msisdn, Types[random.Next(Types.Length)], fail: false, eventId: $"chaos-{sequence++}")));
                }

                string? engaged = null;
                if (tick % 8 == 0)
                {
                    engaged = Probe.NewMsisdn();
                    batch.AddRange(Probe.BadExperience(engaged).Select(e => (engaged, e)));
                }

                // The stream is retried through a silo's death; only what it acknowledged is counted as sent.
                var records = batch.Select(e => new KinesisRecordToPut(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(e.Event)), e.Msisdn)).ToList();
                await producer.PutRecordsAsync(stream, records, CancellationToken.None);
                foreach (var (msisdn, _) in batch)
                {
                    Sent.AddOrUpdate(msisdn, 1, (_, n) => n + 1);
                }

                Interlocked.Add(ref _events, batch.Count);
                if (engaged is not null)
                {
                    lock (Engaged)
                    {
                        Engaged.Add(engaged);
                        EngagedAt[engaged] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    }
                }
            }
        }

        private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken stop)
        {
            try
            {
                return await timer.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
