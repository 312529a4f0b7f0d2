using ChurnActors.Grains.Archive;

namespace ChurnActors.Adapters.Archive;

/// <summary>The data lake in a local directory (the embedded default): the same layout as the S3 bucket.</summary>
public sealed class LocalDirectoryArchiveSink(string root) : IArchiveSink
{
    public string Root { get; } = Path.GetFullPath(root);

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(Path.Combine(Root, key));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Object key '{key}' leaves the lake directory.", nameof(key));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Written aside and moved into place: a reader never sees half an object, and a rewrite replaces it whole.
        var temporary = path + ".partial";
        await File.WriteAllBytesAsync(temporary, content.ToArray(), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
