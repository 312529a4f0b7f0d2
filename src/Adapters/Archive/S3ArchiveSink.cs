using Amazon.S3;
using Amazon.S3.Model;
using ChurnActors.Adapters.Aws;
using ChurnActors.Grains.Archive;

namespace ChurnActors.Adapters.Archive;

/// <summary>
/// The data lake in S3: each Parquet object put whole under its key (a put of the same key replaces
/// it), encrypted with the configured KMS key. Throttling, 5xx and network faults are retried by the
/// SDK; what still fails surfaces to the archiver, which keeps the rows and tries again.
/// </summary>
public sealed class S3ArchiveSink(IAmazonS3 s3, string bucket, string? kmsKeyId) : IArchiveSink
{
    public const string ContentType = "application/vnd.apache.parquet";

    /// <summary>Ready while the bucket answers a HEAD: cheap, and unlike a listing it does not depend on the objects in it.</summary>
    public static DependencyHealthCheck ReadinessCheck(IAmazonS3 s3, string bucket) => new($"bucket {bucket}", async token =>
    {
        AwsUsage.Request("s3", "HeadBucket");
        await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, token);
        return null;
    });

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = body,
            ContentType = ContentType,

            // The object is in memory: sign its whole payload rather than stream it in aws-chunked
            // pieces, which S3-compatible servers do not all understand.
            UseChunkEncoding = false,
        };
        if (kmsKeyId is { Length: > 0 })
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
            request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId;
        }

        AwsUsage.Request("s3", "PutObject");
        await s3.PutObjectAsync(request, cancellationToken);
    }
}
