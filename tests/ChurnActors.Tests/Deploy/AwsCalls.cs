using System.Text.RegularExpressions;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Deploy;

/// <summary>An IAM action some code needs, and where the code makes the call.</summary>
public sealed record AwsCall(string Action, string Where);

/// <summary>
/// The AWS calls the code makes, read from its source, as the IAM actions that authorize them:
/// <list type="bullet">
/// <item>AWS SDK calls: <c>x.OpAsync(</c> on a variable declared as <c>IAmazonDynamoDB</c> or <c>IAmazonS3</c>;</item>
/// <item>our own SigV4 clients (no SDK for Connect or Kinesis here): an operation of the service
/// named in a string literal (<c>"ListShards"</c>, <c>"Kinesis_20131202.ListShards"</c>) or as the request
/// record (<c>new StartOutboundVoiceContact(</c>, <c>typeof(StartOutboundVoiceContact)</c>);</item>
/// <item>the Connect hook's reads through the Parameters and Secrets Lambda extension's local HTTP API.</item>
/// </list>
/// </summary>
public static partial class AwsCalls
{
    /// <summary>
    /// S3 operations whose IAM action has another name; every other S3 operation must be added here
    /// (a HEAD is authorized as the read it stands for).
    /// </summary>
    private static readonly Dictionary<string, string> S3Actions = new(StringComparer.Ordinal)
    {
        ["HeadBucket"] = "s3:ListBucket",
        ["ListObjectsV2"] = "s3:ListBucket",
        ["PutObject"] = "s3:PutObject",
        ["GetObject"] = "s3:GetObject",
        ["HeadObject"] = "s3:GetObject",
        ["DeleteObject"] = "s3:DeleteObject",
    };

    /// <summary>Operations of the services we call with our own SigV4 clients; each one's IAM action is its name.</summary>
    private static readonly Dictionary<string, string[]> SignedOperations = new(StringComparer.Ordinal)
    {
        ["connect"] =
        [
            "StartOutboundVoiceContact", "StopContact", "DescribeContact", "GetContactAttributes", "UpdateContactAttributes",
        ],
        ["kinesis"] =
        [
            "AddTagsToStream", "CreateStream", "DecreaseStreamRetentionPeriod", "DeleteResourcePolicy", "DeleteStream",
            "DeregisterStreamConsumer", "DescribeLimits", "DescribeStream", "DescribeStreamConsumer", "DescribeStreamSummary",
            "DisableEnhancedMonitoring", "EnableEnhancedMonitoring", "GetRecords", "GetResourcePolicy", "GetShardIterator",
            "IncreaseStreamRetentionPeriod", "ListShards", "ListStreamConsumers", "ListStreams", "ListTagsForResource",
            "ListTagsForStream", "MergeShards", "PutRecord", "PutRecords", "PutResourcePolicy", "RegisterStreamConsumer",
            "RemoveTagsFromStream", "SplitShard", "StartStreamEncryption", "StopStreamEncryption", "SubscribeToShard",
            "UpdateShardCount", "UpdateStreamMode",
        ],
    };

    /// <summary>Paths of the Parameters and Secrets Lambda extension's HTTP API, and the call it makes with the function's role.</summary>
    private static readonly Dictionary<string, string> ExtensionPaths = new(StringComparer.Ordinal)
    {
        ["/secretsmanager/get"] = "secretsmanager:GetSecretValue",
        ["/systemsmanager/parameters/get"] = "ssm:GetParameter",
    };

    /// <summary>The calls of a .NET project and every project it references.</summary>
    public static IReadOnlyList<AwsCall> OfProject(string projectPath) =>
        [.. SourceFiles(Path.Combine(Repository.Root, projectPath)).SelectMany(InCSharp)];

    /// <summary>The calls of a Node.js Lambda function without dependencies.</summary>
    public static IReadOnlyList<AwsCall> OfLambda(string sourcePath)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, sourcePath));
        if (text.Contains("@aws-sdk/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{sourcePath} imports the AWS SDK: teach {nameof(AwsCalls)} to read its calls.");
        }

        return [.. ExtensionPaths.Where(p => text.Contains(p.Key, StringComparison.Ordinal)).Select(p => new AwsCall(p.Value, sourcePath))];
    }

    private static IEnumerable<AwsCall> InCSharp(string path)
    {
        var where = Path.GetRelativePath(Repository.Root, path);
        var code = string.Join('\n', File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));

        // DynamoDB's IAM actions are named as its operations.
        foreach (var (clientType, action) in new (string, Func<string, string, string>)[] { ("IAmazonDynamoDB", (op, _) => "dynamodb:" + op), ("IAmazonS3", S3Action) })
        {
            var clients = Regex.Matches(code, $@"\b{clientType}\s+(\w+)\b").Select(m => m.Groups[1].Value).Distinct();
            foreach (var client in clients)
            {
                foreach (Match call in Regex.Matches(code, $@"\b{Regex.Escape(client)}\.(\w+)Async\("))
                {
                    yield return new AwsCall(action(call.Groups[1].Value, where), where);
                }
            }
        }

        foreach (var (service, operations) in SignedOperations)
        {
            foreach (var operation in operations)
            {
                var named = $@"""(?:\w+\.)?{operation}""|\btypeof\({operation}\)|\bnew {operation}\(";
                if (Regex.IsMatch(code, named))
                {
                    yield return new AwsCall($"{service}:{operation}", where);
                }
            }
        }
    }

    private static string S3Action(string operation, string where) =>
        S3Actions.TryGetValue(operation, out var action)
            ? action
            : throw new InvalidOperationException($"{where} calls S3 {operation}: add the IAM action that authorizes it to {nameof(AwsCalls)}.{nameof(S3Actions)}.");

    private static IEnumerable<string> SourceFiles(string projectFile)
    {
        var projects = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(projectFile)]);
        while (pending.TryPop(out var project))
        {
            if (!projects.Add(project))
            {
                continue;
            }

            foreach (Match reference in ProjectReference().Matches(File.ReadAllText(project)))
            {
                var relative = reference.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar);
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, relative)));
            }
        }

        return projects
            .SelectMany(p => Directory.EnumerateFiles(Path.GetDirectoryName(p)!, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(d => d is "bin" or "obj" or "node_modules"))
            .Order(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"<ProjectReference\s+Include=""([^""]+)""")]
    private static partial Regex ProjectReference();
}
