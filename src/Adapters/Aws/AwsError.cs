using System.Text.Json;

namespace ChurnActors.Adapters.Aws;

/// <summary>The error an AWS JSON API answered, for the calls we make without an SDK (Connect, Kinesis).</summary>
public static class AwsError
{
    /// <summary>
    /// The error's type, from <c>x-amzn-ErrorType</c> or the body's <c>__type</c> (the bare name, without
    /// the namespace or URL AWS may put around it), and its message.
    /// </summary>
    public static (string Type, string Message) Read(HttpResponseMessage response, string body)
    {
        string? type = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.First() : null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            type ??= root.TryGetProperty("__type", out var t) ? t.GetString() : null;
            message = root.TryGetProperty("message", out var m) || root.TryGetProperty("Message", out m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            message = body.Length > 200 ? body[..200] : body;
        }

        // "Name:http://internal..." or "namespace#Name": keep the name.
        type = (type ?? $"Http{(int)response.StatusCode}").Split(':')[0];
        type = type[(type.LastIndexOf('#') + 1)..];
        return (type, message ?? "no message");
    }
}
