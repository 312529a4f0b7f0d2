namespace ChurnActors.Grains.Archive;

/// <summary>
/// Where data-lake objects go (a local directory, S3). Keys are the full object path below the lake
/// root, e.g. <c>incidents/dt=2026-11-25/hour=18/p0-…parquet</c>. Writing a key again replaces the
/// object, which is what makes a replayed range idempotent.
/// </summary>
public interface IArchiveSink
{
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
