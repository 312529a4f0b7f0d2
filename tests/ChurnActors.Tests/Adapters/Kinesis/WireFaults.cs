using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace ChurnActors.Tests.Adapters.Kinesis;

/// <summary>
/// Sits between a Kinesis client and kinesalite: counts each operation sent over the wire and, when
/// told, answers some requests itself the way Kinesis answers under load (an error, a partial
/// failure, a paged listing) before the rest go on to the server.
/// </summary>
public sealed class WireFaults() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentDictionary<string, int> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpRequestMessage, string, Task<HttpResponseMessage>>>> _faults = new(StringComparer.Ordinal);

    public int Sent(string operation) => _sent.GetValueOrDefault(operation);

    /// <summary>The next request of <paramref name="operation"/> is answered by <paramref name="answer"/> (given the request and its body).</summary>
    public void Next(string operation, Func<HttpRequestMessage, string, Task<HttpResponseMessage>> answer) =>
        _faults.GetOrAdd(operation, _ => new()).Enqueue(answer);

    /// <summary>The next request of <paramref name="operation"/> fails with a Kinesis error.</summary>
    public void NextFails(string operation, string errorType, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        Next(operation, (_, _) => Task.FromResult(Error(errorType, status)));

    public static HttpResponseMessage Error(string errorType, HttpStatusCode status) => new(status)
    {
        Content = new StringContent($$"""{"__type":"{{errorType}}","message":"injected by the test"}""", Encoding.UTF8, "application/x-amz-json-1.1"),
    };

    /// <summary>Sends a request body of our own to the server, as the client would have.</summary>
    public Task<HttpResponseMessage> ForwardAsync(HttpRequestMessage original, string body, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, original.RequestUri)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = original.Content!.Headers.ContentType;
        foreach (var header in original.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = request.Headers.GetValues("X-Amz-Target").Single().Split('.')[1];
        _sent.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (_faults.TryGetValue(operation, out var queue) && queue.TryDequeue(out var answer))
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return await answer(request, body);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
