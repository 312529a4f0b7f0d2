namespace ChurnActors.Gateway.Input;

/// <summary>Request bodies read whole, up to a limit each endpoint sets for itself.</summary>
public static class RequestBodies
{
    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (nothing more is read then).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, maxBytes));
        var chunk = new byte[Math.Min(64 * 1024, maxBytes + 1)];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
