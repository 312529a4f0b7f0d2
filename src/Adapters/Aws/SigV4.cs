using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChurnActors.Adapters.Aws;

/// <summary>Credentials a request is signed with (from the default AWS chain in production).</summary>
public sealed record SigV4Credentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null);

/// <summary>
/// AWS Signature Version 4 for the few AWS APIs this project calls without an SDK (Amazon Connect,
/// Kinesis). Checked against AWS's published SigV4 test suite.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string DateHeader = "X-Amz-Date";
    public const string SecurityTokenHeader = "X-Amz-Security-Token";

    /// <summary>Each step of a signature, so each can be checked on its own.</summary>
    public sealed record Signature(string CanonicalRequest, string StringToSign, string SignedHeaders, string Value, string Authorization);

    /// <summary>
    /// Signs a request given as its parts: <paramref name="path"/> unencoded, <paramref name="query"/>
    /// as sent (without '?'), <paramref name="headers"/> as sent (they must include the date header).
    /// </summary>
    public static Signature Compute(
        string method,
        string path,
        string? query,
        IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> body,
        SigV4Credentials credentials,
        string region,
        string service,
        DateTimeOffset at)
    {
        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(headers);
        var canonicalRequest = string.Join(
            '\n',
            method.ToUpperInvariant(),
            CanonicalPath(path),
            CanonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            Hex(SHA256.HashData(body)));

        var stamp = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = stamp[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, stamp, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, stringToSign));
        return new Signature(
            canonicalRequest,
            stringToSign,
            signedHeaders,
            signature,
            $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>
    /// Signs an outgoing request in place: adds the date (and session token) headers, then signs
    /// host, content type and every <c>x-amz-*</c> header with the body's hash.
    /// </summary>
    public static async Task SignAsync(HttpRequestMessage request, SigV4Credentials credentials, string region, string service, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        request.Headers.Remove(DateHeader);
        request.Headers.Remove(SecurityTokenHeader);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation(DateHeader, now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        if (credentials.SessionToken is { Length: > 0 } token)
        {
            request.Headers.TryAddWithoutValidation(SecurityTokenHeader, token);
        }

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}") };
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers.Add(new("content-type", contentType.ToString()));
        }

        foreach (var header in request.Headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)))
        {
            headers.AddRange(header.Value.Select(value => new KeyValuePair<string, string>(header.Key, value)));
        }

        var signature = Compute(request.Method.Method, Uri.UnescapeDataString(uri.AbsolutePath), uri.Query.TrimStart('?'), headers, body, credentials, region, service, now);
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
    }

    /// <summary>Lower-case names, sorted; values trimmed with inner runs of spaces folded; repeated headers joined by commas.</summary>
    private static (string Canonical, string Signed) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var grouped = headers
            .GroupBy(h => h.Key.Trim().ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => FoldSpaces(h.Value)))))
            .ToList();
        var canonical = string.Concat(grouped.Select(h => $"{h.Name}:{h.Value}\n"));
        return (canonical, string.Join(';', grouped.Select(h => h.Name)));
    }

    private static string FoldSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        var lastWasSpace = false;
        foreach (var c in value.Trim())
        {
            var isSpace = c is ' ' or '\t';
            if (!isSpace || !lastWasSpace)
            {
                builder.Append(isSpace ? ' ' : c);
            }

            lastWasSpace = isSpace;
        }

        return builder.ToString();
    }

    /// <summary>The path with dot segments and repeated slashes removed, each segment URI-encoded.</summary>
    private static string CanonicalPath(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(Encode(segment));
        }

        var trailingSlash = segments.Count > 0 && (path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal));
        return "/" + string.Join('/', segments) + (trailingSlash ? "/" : "");
    }

    /// <summary>Parameters decoded and re-encoded, sorted by name then value.</summary>
    private static string CanonicalQuery(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return "";
        }

        return string.Join('&', query
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(parameter =>
            {
                var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? parameter : parameter[..equals];
                var value = equals < 0 ? "" : parameter[(equals + 1)..];
                return (Name: Encode(Uri.UnescapeDataString(name)), Value: Encode(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>RFC 3986 encoding: unreserved characters kept, every other UTF-8 byte as %XX.</summary>
    private static string Encode(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
