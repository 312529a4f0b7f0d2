using System.Diagnostics;
using System.Globalization;
using ChurnActors.Adapters;
using ChurnActors.Benchmarks.Peers;
using ChurnActors.Benchmarks.Reporting;
using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Ingest;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Subscribers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ChurnActors.Benchmarks;

/// <summary>
/// One run of every measurement, in an order that keeps them apart: decisions on the check events,
/// then per implementation activation and throughput on the same mix, the system's latency at half
/// its measured peak, memory per subscriber at each size, the DynamoDB data paths on one dynalite,
/// and the AWS requests of the simulator's mix on the local stand-ins.
/// </summary>
public sealed class BenchmarkRun(BenchmarkOptions options, string root)
{
    public const string SystemName = "this system";
    public const string PlainLoopName = "plain loop";
    public const string AkkaName = "Akka.NET sharding";
    public const string SeedName = "seed-style pipeline";
    public const string FloorName = "Orleans floor";
    public const string BareFloorName = "Orleans floor, bare silo";

    private const int BatchSize = 5_000;
    private const int Producers = 4;
    private const int DecisionFirst = 90_000_000;
    private const int LatencyFirst = 80_000_000;

    private static int _failedBatches;

    private readonly DetectionOptions _detection = new();
    private readonly ContactPolicyOptions _policy = new() { CallingHours = new CallingHoursOptions { Start = TimeSpan.Zero, End = TimeSpan.FromDays(1) } };
    private readonly SentimentOptions _sentiment = new();
    private readonly Results _results = new()
    {
        Machine = $"{Environment.ProcessorCount} cores, {Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024)} GiB, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
        At = DateTimeOffset.UtcNow,
        Smoke = options.Smoke,
    };

    public async Task<Results> RunAsync()
    {
        if (options.Runs("decisions"))
        {
            Step($"decisions on {options.DecisionSubscribers:N0} subscribers × {DecisionScenario.Steps} events");
            await DecisionsAsync();
        }

        if (options.Runs("system"))
        {
            Step($"this system: activation and throughput on {options.Subscribers:N0} subscribers, then latency at half the peak");
            await SystemThroughputAndLatencyAsync();
        }

        if (options.Runs("floor"))
        {
            Step($"Orleans floor: the same reads and one empty grain call per subscriber, on {options.Subscribers:N0} subscribers");
            await FloorAsync();
        }

        if (options.Runs("plain"))
        {
            Step("plain loop: activation and throughput");
            PlainLoopThroughput();
        }

        if (options.Runs("akka"))
        {
            Step("Akka.NET cluster sharding: activation and throughput");
            await AkkaThroughputAsync();
        }

        if (options.Runs("memory"))
        {
            Step($"memory per active subscriber at {string.Join(", ", options.MemorySizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))}");
            await MemoryAsync();
        }

        if (options.Runs("dynamodb") || options.Runs("cost"))
        {
            await using var servers = await LocalServers.StartAsync(root);
            if (options.Runs("dynamodb"))
            {
                Step($"DynamoDB: this system and the seed-style pipeline on one dynalite, {options.DynamoDbSubscribers:N0} subscribers");
                await DynamoDbAsync(servers);
            }

            if (options.Runs("cost"))
            {
                Step("AWS requests of the simulator's mix on DynamoDB, Kinesis and S3 (local stand-ins)");
                await CostAsync(servers);
            }
        }

        return _results;
    }

    private async Task DecisionsAsync()
    {
        var mix = new EventMix(DateTimeOffset.UtcNow, "decide");
        var batches = DecisionScenario.Batches(mix, DecisionFirst, options.DecisionSubscribers);

        await using (var silo = await SiloUnderTest.StartAsync("decisions"))
        {
            var before = await silo.SettledStatsAsync();
            foreach (var batch in batches)
            {
                await silo.IngestAsync(batch);
            }

            var after = await silo.SettledStatsAsync();
            long counted = 0, incidents = 0;
            var engaged = new List<string>();
            for (var s = DecisionFirst; s < DecisionFirst + options.DecisionSubscribers; s++)
            {
                var msisdn = EventMix.Msisdn(s);
                var view = await silo.Grains.GetGrain<ISubscriberGrain>(msisdn).GetViewAsync();
                counted += view!.Types.Sum(t => t.Sessions);
                incidents += view.Types.Sum(t => t.Failures);
                engaged.AddRange(view.Engagements.Select(e => $"{msisdn}:{e.Type}"));
            }

            _results.Decisions[SystemName] = DecisionSummary.Of(counted, after.EventsDuplicate - before.EventsDuplicate, incidents, engaged);
        }

        var loop = new PlainLoop(_detection);
        var now = DateTimeOffset.UtcNow;
        foreach (var batch in batches)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                loop.Process(batch[i], now);
            }
        }

        _results.Decisions[PlainLoopName] = loop.Summary();

        await using var akka = await AkkaPeer.StartAsync(_detection, _policy, _sentiment);
        var sent = 0L;
        foreach (var batch in batches)
        {
            sent += SendToAkka(akka, batch, DateTimeOffset.UtcNow);
        }

        await akka.DrainAsync(sent);
        _results.Decisions[AkkaName] = akka.Summary();
        foreach (var (name, summary) in _results.Decisions)
        {
            Console.WriteLine($"  {name}: {summary}");
        }
    }

    private async Task SystemThroughputAndLatencyAsync()
    {
        await using var silo = await SiloUnderTest.StartAsync("throughput");
        var mix = new EventMix(DateTimeOffset.UtcNow, "system");

        var activation = await RunSystemAsync(silo, mix, options.Subscribers, passes: 1, TimeSpan.MaxValue);
        _results.ActivationPerSecond[SystemName] = activation.EventsPerSecond;
        Console.WriteLine($"  activation: {activation.EventsPerSecond:N0} events/s");

        var throughput = await RunSystemAsync(silo, mix, options.Subscribers, passes: int.MaxValue, options.Duration, firstPass: 1);
        _results.Throughput[SystemName] = throughput;
        Console.WriteLine($"  throughput: {throughput.EventsPerSecond:N0} events/s, {throughput.AllocatedBytesPerEvent:N0} B allocated per event, GC pauses {throughput.GcPauseShare:P1} (mean {throughput.MeanGcPauseMilliseconds:N1} ms)");

        _results.Latency = await LatencyAsync(silo, mix, throughput.EventsPerSecond / 2);
        Console.WriteLine($"  incident → dial at {_results.Latency.AchievedEventsPerSecond:N0} events/s: p50 {_results.Latency.P50:N2} ms, p99 {_results.Latency.P99:N2} ms, p999 {_results.Latency.P999:N2} ms over {_results.Latency.Engagements:N0}; GC paused {_results.Latency.GcPauseShare:P1} of the phase, mean pause {_results.Latency.MeanGcPauseMilliseconds:N1} ms");
    }

    /// <summary>
    /// The floor twice, each in a silo of its own: a bare Orleans silo with nothing configured but
    /// localhost clustering, and one built as this system's silo is. Activation (warmed up first),
    /// its heap per activation,
    /// and throughput, on the same mix sent the same way, to grains that only count (<see cref="IFloorIngestGrain"/>).
    /// </summary>
    private async Task FloorAsync()
    {
        using (var bare = await BareSilo.StartAsync())
        {
            _results.Floors[BareFloorName] = await FloorOfAsync(bare.Grains);
        }

        await using (var silo = await SiloUnderTest.StartAsync("floor"))
        {
            _results.Floors[FloorName] = await FloorOfAsync(silo.Grains);
        }
        foreach (var (name, floor) in _results.Floors)
        {
            Console.WriteLine($"  {name}: activation {floor.ActivationPerSecond:N0} events/s, {floor.BytesPerActivation:N0} B of heap per activation; throughput {floor.Throughput.EventsPerSecond:N0} events/s, {floor.Throughput.AllocatedBytesPerEvent:N0} B allocated per event, GC pauses {floor.Throughput.GcPauseShare:P1} (mean {floor.Throughput.MeanGcPauseMilliseconds:N1} ms)");
        }
    }

    private async Task<Floor> FloorOfAsync(IGrainFactory grains)
    {
        var mix = new EventMix(DateTimeOffset.UtcNow, "floor");
        var ingest = grains.GetGrain<IFloorIngestGrain>(0);
        Task Send(EventBatch batch) => ingest.IngestAsync(batch.ToPayloads());

        // Fresh subscribers of their own for a while first: activation measured cold swings fourfold
        // with the order of the silos (the code compiling, the heap growing), measured warm it does not.
        await RunBatchesAsync(Send, mix, 10_000_000, passes: 1, options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(8), firstSubscriber: 50_000_000);
        var baseline = Heap();
        var activation = await RunBatchesAsync(Send, mix, options.Subscribers, passes: 1, TimeSpan.MaxValue);
        var perActivation = (Heap() - baseline) / (double)options.Subscribers;
        var throughput = await RunBatchesAsync(Send, mix, options.Subscribers, passes: int.MaxValue, options.Duration, firstPass: 1);
        return new Floor(activation.EventsPerSecond, perActivation, throughput);
    }

    /// <summary>Batches of 5 000 of the mix, pass after pass, from four producers, until the passes or the time run out.</summary>
    private static Task<Throughput> RunSystemAsync(SiloUnderTest silo, EventMix mix, int subscribers, int passes, TimeSpan duration, int firstPass = 0, int firstSubscriber = 0) =>
        RunBatchesAsync(batch => IngestWithRetriesAsync(silo, batch), mix, subscribers, passes, duration, firstPass, firstSubscriber);

    private static async Task<Throughput> RunBatchesAsync(Func<EventBatch, Task> send, EventMix mix, int subscribers, int passes, TimeSpan duration, int firstPass = 0, int firstSubscriber = 0)
    {
        var chunks = (subscribers + BatchSize - 1) / BatchSize;
        var next = -1L;
        var events = 0L;
        var generated = 0L;
        var measure = Measure.Start();
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
        {
            long index;
            while ((index = Interlocked.Increment(ref next)) < (long)passes * chunks && measure.Elapsed < duration)
            {
                var (pass, chunk) = ((int)(index / chunks) + firstPass, (int)(index % chunks));
                var start = chunk * BatchSize;
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var batch = mix.Pass(pass, firstSubscriber + start, Math.Min(BatchSize, subscribers - start));
                Interlocked.Add(ref generated, GC.GetAllocatedBytesForCurrentThread() - allocated);
                await send(batch);
                Interlocked.Add(ref events, batch.Count);
            }
        })));
        return measure.Stop(events, generated);
    }

    /// <summary>
    /// A batch the silo could not complete is sent again, as a client answered 503 would: the events it
    /// did take are absorbed by event id the second time. The failures are counted for the report.
    /// </summary>
    private static async Task IngestWithRetriesAsync(SiloUnderTest silo, EventBatch batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await silo.IngestAsync(batch);
                return;
            }
            catch (Exception exception) when (attempt < 10 && exception is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _failedBatches);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    /// <summary>
    /// The mix at <paramref name="eventsPerSecond"/> (half the measured peak) in batches of 500, and
    /// beside it fresh subscribers whose sessions cross the threshold, 20 every 50 ms: each one's time
    /// from decision to dial request.
    /// </summary>
    private async Task<Latency> LatencyAsync(SiloUnderTest silo, EventMix mix, double eventsPerSecond)
    {
        const int batch = 500;
        var duration = options.Smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(10);
        silo.Dialer.Reset();
        var gc = Measure.Start();
        var clock = Stopwatch.StartNew();
        var sent = 0L;
        var load = Task.Run(async () =>
        {
            for (var index = 0L; clock.Elapsed < duration; index++)
            {
                var due = TimeSpan.FromSeconds(index * batch / Math.Max(1, eventsPerSecond));
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                var chunks = Math.Max(1, options.Subscribers / batch);
                var pass = 1_000 + (int)(index / chunks);
                var start = (int)(index % chunks) * batch;
                await silo.IngestAsync(mix.Pass(pass, start, Math.Min(batch, options.Subscribers - start)));
                Interlocked.Add(ref sent, batch);
            }
        });

        var bad = new EventMix(DateTimeOffset.UtcNow, "latency");
        var subscriber = LatencyFirst;
        var engaged = 0;
        while (clock.Elapsed < duration)
        {
            var group = Enumerable.Range(subscriber, 20).ToList();
            subscriber += group.Count;
            engaged += group.Count;
            await silo.IngestAsync(bad.Batch(group.SelectMany(s => Enumerable.Range(0, 6).Select(i => (s, i, "CALL_DROP", i >= 3)))));
            await Task.Delay(50);
        }

        await load;
        var achieved = (sent + (engaged * 6)) / clock.Elapsed.TotalSeconds;
        var (pauseShare, meanPause) = gc.Paused(clock.Elapsed.TotalSeconds);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); silo.Dialer.Dialled.Count < engaged && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(50);
        }

        var latencies = silo.Dialer.Dialled.Select(d => d.Latency.TotalMilliseconds).Order().ToArray();
        return new Latency(eventsPerSecond, achieved, latencies.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.99), Percentile(latencies, 0.999), latencies.LastOrDefault(), latencies, pauseShare, meanPause);
    }

    private void PlainLoopThroughput()
    {
        var loop = new PlainLoop(_detection);
        var mix = new EventMix(DateTimeOffset.UtcNow, "plain");
        _results.ActivationPerSecond[PlainLoopName] = RunPlainLoop(loop, mix, passes: 1, TimeSpan.MaxValue, 0).EventsPerSecond;
        var throughput = RunPlainLoop(loop, mix, int.MaxValue, options.Duration, 1);
        _results.Throughput[PlainLoopName] = throughput;
        Console.WriteLine($"  activation {_results.ActivationPerSecond[PlainLoopName]:N0} events/s; throughput {throughput.EventsPerSecond:N0} events/s, {throughput.AllocatedBytesPerEvent:N0} B allocated per event");
    }

    private Throughput RunPlainLoop(PlainLoop loop, EventMix mix, int passes, TimeSpan duration, int firstPass)
    {
        var measure = Measure.Start();
        var events = 0L;
        var generated = 0L;
        for (var pass = firstPass; pass < (long)firstPass + passes && measure.Elapsed < duration; pass++)
        {
            for (var start = 0; start < options.Subscribers && measure.Elapsed < duration; start += BatchSize)
            {
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var batch = mix.Pass(pass, start, Math.Min(BatchSize, options.Subscribers - start));
                generated += GC.GetAllocatedBytesForCurrentThread() - allocated;
                var now = DateTimeOffset.UtcNow;
                for (var i = 0; i < batch.Count; i++)
                {
                    loop.Process(batch[i], now);
                }

                events += batch.Count;
            }
        }

        return measure.Stop(events, generated);
    }

    private async Task AkkaThroughputAsync()
    {
        await using var akka = await AkkaPeer.StartAsync(_detection, _policy, _sentiment);
        var mix = new EventMix(DateTimeOffset.UtcNow, "akka");
        _results.ActivationPerSecond[AkkaName] = (await RunAkkaAsync(akka, mix, options.Subscribers, passes: 1, TimeSpan.MaxValue, 0)).EventsPerSecond;
        var throughput = await RunAkkaAsync(akka, mix, options.Subscribers, int.MaxValue, options.Duration, 1);
        _results.Throughput[AkkaName] = throughput;
        Console.WriteLine($"  activation {_results.ActivationPerSecond[AkkaName]:N0} events/s; throughput {throughput.EventsPerSecond:N0} events/s, {throughput.AllocatedBytesPerEvent:N0} B allocated per event, GC pauses {throughput.GcPauseShare:P1} (mean {throughput.MeanGcPauseMilliseconds:N1} ms)");
    }

    /// <summary>Four producers read each event with the same strict reader and tell it to its entity, at most 50 000 ahead of the entities.</summary>
    private static async Task<Throughput> RunAkkaAsync(AkkaPeer akka, EventMix mix, int subscribers, int passes, TimeSpan duration, int firstPass, int firstSubscriber = 0)
    {
        var chunks = (subscribers + BatchSize - 1) / BatchSize;
        var next = -1L;
        var generated = 0L;
        var sentBefore = akka.Processed;
        var sent = sentBefore;
        var measure = Measure.Start();
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
        {
            long index;
            while ((index = Interlocked.Increment(ref next)) < (long)passes * chunks && measure.Elapsed < duration)
            {
                while (Interlocked.Read(ref sent) - akka.Processed > 50_000)
                {
                    await Task.Delay(1);
                }

                var (pass, chunk) = ((int)(index / chunks) + firstPass, (int)(index % chunks));
                var start = chunk * BatchSize;
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var batch = mix.Pass(pass, firstSubscriber + start, Math.Min(BatchSize, subscribers - start));
                Interlocked.Add(ref generated, GC.GetAllocatedBytesForCurrentThread() - allocated);
                Interlocked.Add(ref sent, SendToAkka(akka, batch, DateTimeOffset.UtcNow));
            }
        })));
        await akka.DrainAsync(sent);
        return measure.Stop(sent - sentBefore, generated);
    }

    private static int SendToAkka(AkkaPeer akka, EventBatch batch, DateTimeOffset now)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (ProbeEventReader.TryRead(batch[i], now, out var probe, out _))
            {
                akka.Send(probe!);
            }
        }

        return batch.Count;
    }

    private async Task MemoryAsync()
    {
        var (stateBytes, storedBytes) = await StateSizeAsync();

        await using (var silo = await SiloUnderTest.StartAsync("memory"))
        {
            var mix = new EventMix(DateTimeOffset.UtcNow, "memory");
            var baseline = Heap();
            var active = 0;
            foreach (var size in options.MemorySizes)
            {
                var activation = await RunSystemAsync(silo, mix, size - active, passes: 1, TimeSpan.MaxValue, firstSubscriber: active);
                var previous = active;
                active = size;
                var perSubscriber = (Heap() - baseline) / (double)size;

                // What the embedded storage holds now (a subscriber that only counted is written when it deactivates).
                var stored = Adapters.Storage.MeteredGrainStorage.Unwrap(silo.Services.GetRequiredKeyedService<IGrainStorage>(SubscriberGrain.StorageName)) is Adapters.Memory.ProcessMemoryGrainStorage memory
                    ? memory.StoredBytes / (double)size
                    : storedBytes;
                _results.Memory.Add(new MemoryPoint(SystemName, size, perSubscriber, stateBytes, stored, activation.EventsPerSecond));
                Console.WriteLine($"  {SystemName} at {size:N0}: {perSubscriber:N0} B per subscriber (state {stateBytes:N0} B, stored copy {stored:N0} B; one stored state is {storedBytes:N0} B), the last {size - previous:N0} activated at {activation.EventsPerSecond:N0}/s");
            }
        }

        await using (var akka = await AkkaPeer.StartAsync(_detection, _policy, _sentiment))
        {
            var mix = new EventMix(DateTimeOffset.UtcNow, "memory-akka");
            var baseline = Heap();
            var active = 0;
            foreach (var size in options.MemorySizes)
            {
                var activation = await RunAkkaAsync(akka, mix, size - active, passes: 1, TimeSpan.MaxValue, 0, firstSubscriber: active);
                active = size;
                var perSubscriber = (Heap() - baseline) / (double)size;
                _results.Memory.Add(new MemoryPoint(AkkaName, size, perSubscriber, stateBytes, 0, activation.EventsPerSecond));
                Console.WriteLine($"  {AkkaName} at {size:N0}: {perSubscriber:N0} B per subscriber");
            }
        }

        var loop = new PlainLoop(_detection);
        var plainBaseline = Heap();
        var loopMix = new EventMix(DateTimeOffset.UtcNow, "memory-plain");
        var done = 0;
        foreach (var size in options.MemorySizes)
        {
            var now = DateTimeOffset.UtcNow;
            for (var start = done; start < size; start += BatchSize)
            {
                var batch = loopMix.Pass(0, start, Math.Min(BatchSize, size - start));
                for (var i = 0; i < batch.Count; i++)
                {
                    loop.Process(batch[i], now);
                }
            }

            done = size;
            var perSubscriber = (Heap() - plainBaseline) / (double)size;
            _results.Memory.Add(new MemoryPoint(PlainLoopName, size, perSubscriber, 0, 0));
            Console.WriteLine($"  {PlainLoopName} at {size:N0}: {perSubscriber:N0} B per subscriber");
        }

        GC.KeepAlive(loop);
    }

    /// <summary>
    /// What a subscriber's state takes after its first event, measured apart from any runtime: the heap
    /// of 10 000 such states built by the real rules, and the bytes the embedded storage keeps of one
    /// (Orleans' binary form, as the embedded storage keeps it).
    /// </summary>
    private async Task<(double State, double Stored)> StateSizeAsync()
    {
        const int count = 10_000;
        var mix = new EventMix(DateTimeOffset.UtcNow, "state");
        var batch = mix.Pass(0, 70_000_000, count);
        var now = DateTimeOffset.UtcNow;
        var before = Heap();
        var states = new SubscriberState[count];
        for (var i = 0; i < count; i++)
        {
            ProbeEventReader.TryRead(batch[i], now, out var probe, out _);
            states[i] = new SubscriberState();
            var profile = new SubscriberProfile(states[i], _detection, new ContactPolicy(_policy), new SentimentRule(_sentiment));
            profile.EnsureCreated(probe!.Msisdn, now);
            profile.Record(probe, now, new ProfileEffects());
        }

        var state = (Heap() - before) / (double)count;
        await using var silo = await SiloUnderTest.StartAsync("state");
        var stored = silo.Services.GetRequiredService<Orleans.Serialization.Serializer>().SerializeToArray(states[0]).Length;
        GC.KeepAlive(states);
        return (state, stored);
    }

    private async Task DynamoDbAsync(LocalServers servers)
    {
        var table = "churn-bench-state-" + Guid.NewGuid().ToString("N")[..8];
        var subscribers = options.DynamoDbSubscribers;
        Throughput system;
        int failed;
        double systemWrites;
        IReadOnlyDictionary<string, double> systemUnits;
        using (var usage = new AwsUsageListener())
        {
            await using var silo = await SiloUnderTest.StartAsync("dynamodb", new Dictionary<string, string?>
            {
                ["Churn:Storage:Provider"] = "DynamoDb",
                ["Churn:Storage:DynamoDb:ServiceUrl"] = servers.DynamoDb.ToString(),
                ["Churn:Storage:DynamoDb:TableName"] = table,
            });
            var failedBefore = Volatile.Read(ref _failedBatches);
            system = await RunSystemAsync(silo, new EventMix(DateTimeOffset.UtcNow, "dynamo"), subscribers, int.MaxValue, options.DynamoDbDuration);
            failed = Volatile.Read(ref _failedBatches) - failedBefore;
            systemWrites = usage.Requests.Where(r => r.Key is "dynamodb/PutItem" or "dynamodb/DeleteItem").Sum(r => r.Value);
            systemUnits = usage.CapacityUnits;
        }

        _results.DynamoDbStreamed = await StreamedDynamoDbAsync(servers, subscribers);
        _results.KinesaliteFloor = await KinesaliteFloorAsync(servers, subscribers);

        var seedTable = "churn-bench-seed-" + Guid.NewGuid().ToString("N")[..8];
        using var dynamo = AwsClients.DynamoDb(servers.DynamoDb, "us-east-1");
        var seed = new SeedPipeline(dynamo, seedTable, _detection);
        await seed.CreateTableAsync();
        using var seedUsage = new AwsUsageListener();
        var (seedEvents, seedElapsed, itemBytes) = await seed.RunAsync(new EventMix(DateTimeOffset.UtcNow, "seed"), subscribers, options.DynamoDbDuration);

        double Units(IReadOnlyDictionary<string, double> units, string prefix, string kind) =>
            units.Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal) && u.Key.EndsWith("/" + kind, StringComparison.Ordinal)).Sum(u => u.Value);

        _results.DynamoDb = new DynamoDbComparison(
            subscribers,
            system.EventsPerSecond,
            system.Events,
            systemWrites * 1000 / Math.Max(1, system.Events),
            Units(systemUnits, table, "write") / Math.Max(1, system.Events),
            Units(systemUnits, table, "read") / Math.Max(1, system.Events),
            seedEvents / seedElapsed.TotalSeconds,
            seedEvents,
            Units(seedUsage.CapacityUnits, seedTable, "write") / Math.Max(1, seedEvents),
            Units(seedUsage.CapacityUnits, seedTable, "read") / Math.Max(1, seedEvents),
            itemBytes,
            failed);
        Console.WriteLine($"  {SystemName}: {system.EventsPerSecond:N0} events/s, {_results.DynamoDb.SystemWritesPerThousand:N0} writes per 1 000 events, {failed} batches failed and sent again; {SeedName}: {_results.DynamoDb.SeedEventsPerSecond:N0} events/s");
    }

    /// <summary>
    /// This system on its production data path: probe events put on Kinesis (kinesalite, four shards)
    /// by a producer as fast as it takes them, state on the same dynalite, counting written behind at
    /// each checkpoint (the default interval). Timed from the first put until the silo counted every
    /// event put; the writes include those made when the silo stops.
    /// </summary>
    private async Task<StreamedDynamoDb> StreamedDynamoDbAsync(LocalServers servers, int subscribers)
    {
        var table = "churn-bench-streamed-" + Guid.NewGuid().ToString("N")[..8];
        var probeStream = "churn-bench-probes-" + Guid.NewGuid().ToString("N")[..8];
        var interval = new ChurnActors.Adapters.Kinesis.KinesisStreamsOptions().CheckpointInterval;
        using var usage = new AwsUsageListener();
        long put = 0;
        double seconds;
        await using (var silo = await SiloUnderTest.StartAsync("dynamodb-streamed", new Dictionary<string, string?>
        {
            ["Churn:Storage:Provider"] = "DynamoDb",
            ["Churn:Storage:DynamoDb:ServiceUrl"] = servers.DynamoDb.ToString(),
            ["Churn:Storage:DynamoDb:TableName"] = table,
            ["Churn:Streams:Provider"] = "Kinesis",
            ["Churn:Streams:Kinesis:ServiceUrl"] = servers.Kinesis.ToString(),
            ["Churn:Streams:Kinesis:ProbeStream"] = probeStream,
            ["Churn:Streams:Kinesis:RecordStream"] = "churn-bench-records-" + Guid.NewGuid().ToString("N")[..8],
            ["Churn:Streams:Kinesis:CheckpointTable"] = "churn-bench-checkpoints-" + Guid.NewGuid().ToString("N")[..8],
        }))
        {
            var producer = KinesisClientOf(servers);
            var before = await silo.StatsAsync();
            var clock = Stopwatch.StartNew();
            await ProduceAsync(producer, probeStream, "streamed", subscribers, clock, count => put += count);

            for (var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5); ; await Task.Delay(200))
            {
                var counted = (await silo.StatsAsync()).EventsAccepted - before.EventsAccepted;
                if (counted >= put || DateTime.UtcNow > deadline)
                {
                    seconds = clock.Elapsed.TotalSeconds;
                    put = Math.Min(put, counted);
                    break;
                }
            }

            await silo.StopAsync();
        }

        double Units(string kind) => usage.CapacityUnits.Where(u => u.Key.StartsWith(table, StringComparison.Ordinal) && u.Key.EndsWith("/" + kind, StringComparison.Ordinal)).Sum(u => u.Value);
        var result = new StreamedDynamoDb(put / seconds, put, Units("write") * 1000 / Math.Max(1, put), Units("write") / Math.Max(1, put), Units("read") / Math.Max(1, put), interval);
        Console.WriteLine($"  {SystemName}, probe events on Kinesis: {result.EventsPerSecond:N0} events/s, {result.WriteUnitsPerThousand:N0} state write units per 1 000 events (checkpoint every {interval.TotalSeconds:N0} s)");
        return result;
    }

    /// <summary>
    /// The ceiling of the streamed path on these stand-ins: the same producer putting the same records
    /// on a four-shard stream of the same kinesalite for as long, and a plain reader of every shard
    /// (one GetRecords loop per shard, nothing done with the records), timed until all are read back.
    /// Nothing reading from kinesalite can count events faster than this.
    /// </summary>
    private async Task<double> KinesaliteFloorAsync(LocalServers servers, int subscribers)
    {
        var stream = "churn-bench-floor-" + Guid.NewGuid().ToString("N")[..8];
        var client = KinesisClientOf(servers);
        await client.CreateStreamAsync(stream, new ChurnActors.Adapters.Kinesis.KinesisStreamsOptions().Shards, CancellationToken.None);
        while ((await client.DescribeStreamSummaryAsync(stream, CancellationToken.None)).StreamStatus != "ACTIVE")
        {
            await Task.Delay(50);
        }

        var shards = await client.ListShardsAsync(stream, CancellationToken.None);
        long put = 0, read = 0;
        var producing = true;
        var clock = Stopwatch.StartNew();
        var readers = shards.Select(shard => Task.Run(async () =>
        {
            var iterator = await client.GetShardIteratorAsync(stream, shard.ShardId, Adapters.Kinesis.ShardPosition.TrimHorizon, CancellationToken.None);
            while (Volatile.Read(ref producing) || Interlocked.Read(ref read) < Interlocked.Read(ref put))
            {
                var records = await client.GetRecordsAsync(iterator, 10_000, CancellationToken.None);
                iterator = records.NextShardIterator!;
                Interlocked.Add(ref read, records.Records.Count);
                if (records.Records.Count == 0)
                {
                    await Task.Delay(20);
                }
            }
        })).ToList();

        await ProduceAsync(client, stream, "kinesalite", subscribers, clock, count => Interlocked.Add(ref put, count));

        Volatile.Write(ref producing, false);
        await Task.WhenAll(readers);
        var perSecond = read / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  kinesalite alone: {put:N0} put and {read:N0} read back, {perSecond:N0} events/s");
        return perSecond;
    }

    private static Adapters.Kinesis.KinesisClient KinesisClientOf(LocalServers servers) =>
        Adapters.Kinesis.KinesisStreamExtensions.NewClient(
            new HttpClient(),
            servers.Kinesis,
            "us-east-1",
            new Adapters.Aws.DefaultAwsCredentialSource(),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Adapters.Kinesis.KinesisClient>.Instance);

    /// <summary>The mix put on <paramref name="stream"/> in calls of 500 records, one after another, until the DynamoDB phase's time is up.</summary>
    private async Task ProduceAsync(Adapters.Kinesis.KinesisClient client, string stream, string mixName, int subscribers, Stopwatch clock, Action<int> put)
    {
        var mix = new EventMix(DateTimeOffset.UtcNow, mixName);
        const int chunk = 500;
        for (var index = 0; clock.Elapsed < options.DynamoDbDuration; index++)
        {
            var chunks = (subscribers + chunk - 1) / chunk;
            var first = index % chunks * chunk;
            var batch = mix.Pass(index / chunks, first, Math.Min(chunk, subscribers - first));
            var records = Enumerable.Range(0, batch.Count).Select(i => new Adapters.Kinesis.KinesisRecordToPut(batch[i].ToArray(), EventMix.Msisdn(first + i))).ToList();
            await client.PutRecordsAsync(stream, records, CancellationToken.None);
            put(records.Count);
        }
    }

    private async Task CostAsync(LocalServers servers)
    {
        var probeStream = "churn-bench-probes-" + Guid.NewGuid().ToString("N")[..8];
        var recordStream = "churn-bench-records-" + Guid.NewGuid().ToString("N")[..8];
        StatsSnapshot start, end;
        Dictionary<string, double> requests, units, payload, records;
        await using (var silo = await SiloUnderTest.StartAsync("cost", new Dictionary<string, string?>
        {
            ["Churn:Storage:Provider"] = "DynamoDb",
            ["Churn:Storage:DynamoDb:ServiceUrl"] = servers.DynamoDb.ToString(),
            ["Churn:Storage:DynamoDb:TableName"] = "churn-bench-cost-" + Guid.NewGuid().ToString("N")[..8],
            ["Churn:Streams:Provider"] = "Kinesis",
            ["Churn:Streams:Kinesis:ServiceUrl"] = servers.Kinesis.ToString(),
            ["Churn:Streams:Kinesis:ProbeStream"] = probeStream,
            ["Churn:Streams:Kinesis:RecordStream"] = recordStream,
            ["Churn:Streams:Kinesis:CheckpointTable"] = "churn-bench-checkpoints-" + Guid.NewGuid().ToString("N")[..8],
            ["Churn:Archive:Provider"] = "S3",
            ["Churn:Archive:S3:ServiceUrl"] = servers.S3.ToString(),
            ["Churn:Archive:S3:Bucket"] = LocalServers.Bucket,
            ["Churn:Simulator:Enabled"] = "true",
            ["Churn:ContactPolicy:CallingHours:Start"] = "09:00",
            ["Churn:ContactPolicy:CallingHours:End"] = "20:00",
            ["Churn:Dialer:Connect:RequestsPerSecond"] = "2",
            ["Churn:Dialer:Connect:Burst"] = "5",
            ["Churn:Dialer:Connect:MaxConcurrentCalls"] = "10",
        }))
        {
            using var usage = new AwsUsageListener();
            start = await silo.StatsAsync();
            await Task.Delay(options.CostDuration);

            // The simulator never pauses: counters as reported a moment before the silo stops (and
            // flushes, which is counted), undercounting events by at most a second's worth.
            end = await silo.StatsAsync();
            await silo.StopAsync();
            (requests, units, payload, records) = (new(usage.Requests), new(usage.CapacityUnits), new(usage.PayloadUnits), new(usage.RecordsPut));
        }

        var events = Math.Max(1, end.EventsAccepted - start.EventsAccepted);
        var perMillion = 1e6 / events;
        var lines = new List<(string, double, double)>();
        foreach (var kind in new[] { "write", "read" })
        {
            var total = units.Where(u => u.Key.EndsWith("/" + kind, StringComparison.Ordinal)).Sum(u => u.Value) * perMillion;
            lines.Add(($"DynamoDB {kind} request units", total, total * (kind == "write" ? Prices.DynamoDbWriteUnit : Prices.DynamoDbReadUnit)));
        }

        // The probe system puts one record per event, whether or not the silo kept up with it: its units per record put.
        var probeUnitsPerEvent = payload.GetValueOrDefault(probeStream) / Math.Max(1, records.GetValueOrDefault(probeStream));
        lines.Add(("Kinesis PUT payload units, probe stream (the probe system's puts)", probeUnitsPerEvent * 1e6, probeUnitsPerEvent * 1e6 * Prices.KinesisPutPayloadUnit));
        var recordUnits = payload.GetValueOrDefault(recordStream) * perMillion;
        lines.Add(("Kinesis PUT payload units, record stream", recordUnits, recordUnits * Prices.KinesisPutPayloadUnit));

        var kinesisCalls = requests.Where(r => r.Key.StartsWith("kinesis/", StringComparison.Ordinal)).Sum(r => r.Value) * perMillion;
        lines.Add(("Kinesis API calls (GetRecords, PutRecords, ListShards…; no request charge)", kinesisCalls, 0));
        var puts = requests.GetValueOrDefault("s3/PutObject") * perMillion;
        lines.Add(("S3 PUT requests", puts, puts * Prices.S3Put));
        var heads = requests.GetValueOrDefault("s3/HeadBucket") * perMillion;
        lines.Add(("S3 HEAD requests", heads, heads * Prices.S3Get));
        _results.CostPerMillion[SystemName] = new Cost(lines.Sum(l => l.Item3), events, lines);

        // The serverless design on the same mix: a read and a write of the subscriber item per event (as
        // measured on dynalite), the same probe-stream puts, and one S3 object per engagement (its Lambda 4).
        var dynamoDb = _results.DynamoDb!;
        var engagements = end.EngagementsByStatus.Where(s => s.Key != "suppressed").Sum(s => s.Value) - start.EngagementsByStatus.Where(s => s.Key != "suppressed").Sum(s => s.Value);
        var probePuts = probeUnitsPerEvent * 1e6;
        var seedPuts = engagements * perMillion;
        List<(string, double, double)> seedLines =
        [
            ("DynamoDB write request units (PutItem per event)", dynamoDb.SeedWriteUnitsPerEvent * 1e6, dynamoDb.SeedWriteUnitsPerEvent * 1e6 * Prices.DynamoDbWriteUnit),
            ("DynamoDB read request units (GetItem per event)", dynamoDb.SeedReadUnitsPerEvent * 1e6, dynamoDb.SeedReadUnitsPerEvent * 1e6 * Prices.DynamoDbReadUnit),
            ("Kinesis PUT payload units, probe stream", probePuts, probePuts * Prices.KinesisPutPayloadUnit),
            ("S3 PUT requests (an object per engagement)", seedPuts, seedPuts * Prices.S3Put),
        ];
        _results.CostPerMillion[SeedName] = new Cost(seedLines.Sum(l => l.Item3), events, seedLines);
        Console.WriteLine($"  {SystemName}: ${_results.CostPerMillion[SystemName].DollarsPerMillion:N3} per million events over {events:N0}; {SeedName}: ${_results.CostPerMillion[SeedName].DollarsPerMillion:N3}");
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static void Step(string what) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what}");

    /// <summary>Wall time, allocations and GC pauses over a phase.</summary>
    private sealed class Measure
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: true);
        private readonly TimeSpan _paused = GC.GetTotalPauseDuration();
        private readonly int _collections = GC.CollectionCount(0);

        public TimeSpan Elapsed => _clock.Elapsed;

        public static Measure Start() => new();

        /// <param name="generated">Bytes the event generator allocated, which are not the implementation's.</param>
        public Throughput Stop(long events, long generated)
        {
            var seconds = _clock.Elapsed.TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated - generated;
            var (share, meanPause) = Paused(seconds);
            return new Throughput(events, seconds, events / seconds, allocated / (double)Math.Max(1, events), share, meanPause);
        }

        /// <summary>The share of <paramref name="seconds"/> the GC held threads paused, and its mean pause in ms (every collection collects generation 0).</summary>
        public (double Share, double MeanPauseMilliseconds) Paused(double seconds)
        {
            var paused = GC.GetTotalPauseDuration() - _paused;
            return (paused.TotalSeconds / seconds, paused.TotalMilliseconds / Math.Max(1, GC.CollectionCount(0) - _collections));
        }
    }
}
