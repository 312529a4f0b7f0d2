using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChurnActors.Adapters.Storage;
using ChurnActors.Configuration;
using ChurnActors.Gateway;
using ChurnActors.Grains.Options;
using ChurnActors.Silo.Configuration;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Deploy;

/// <summary>
/// deploy/cloudformation/churn-actors.yaml holds together (every reference resolves), deploys what the
/// code is configured for, and gives each IAM role exactly the AWS calls its code makes, on this
/// stack's resources only.
/// </summary>
public sealed partial class CloudFormationTemplateTests
{
    private static readonly JsonObject Template = CloudFormationYaml.Load(Path.Combine(Repository.Root, "deploy", "cloudformation", "churn-actors.yaml"));
    private static readonly JsonObject Parameters = Template["Parameters"]!.AsObject();
    private static readonly JsonObject Resources = Template["Resources"]!.AsObject();
    private static readonly JsonObject Conditions = Template["Conditions"]?.AsObject() ?? [];

    private static readonly System.Globalization.CultureInfo Culture = System.Globalization.CultureInfo.InvariantCulture;

    private static readonly HashSet<string> PseudoParameters =
    [
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
    ];

    /// <summary>
    /// KMS calls a service makes as the caller when it touches data encrypted with the stack's key (the
    /// lake bucket, both streams and the secrets are; the DynamoDB tables use the AWS managed key, which
    /// needs nothing of the caller).
    /// </summary>
    private static readonly Dictionary<string, string[]> KeyUseOf = new(StringComparer.Ordinal)
    {
        ["s3:PutObject"] = ["kms:GenerateDataKey"],
        ["kinesis:PutRecord"] = ["kms:GenerateDataKey"],
        ["kinesis:PutRecords"] = ["kms:GenerateDataKey"],
        ["kinesis:GetRecords"] = ["kms:Decrypt"],
        ["secretsmanager:GetSecretValue"] = ["kms:Decrypt"],
    };

    /// <summary>What AWSLambdaBasicExecutionRole grants, less CreateLogGroup: the stack creates the group.</summary>
    private static readonly string[] LambdaLogs = ["logs:CreateLogStream", "logs:PutLogEvents"];

    /// <summary>What AmazonECSTaskExecutionRolePolicy grants: pulling from ECR and the awslogs driver.</summary>
    private static readonly string[] EcsTaskExecution =
    [
        "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
        "logs:CreateLogStream", "logs:PutLogEvents",
    ];

    /// <summary>
    /// What each task's collector sidecar calls (the otel-collector container, AWS Distro for
    /// OpenTelemetry): awsemf puts the metrics as log events into a log group the stack creates, awsxray
    /// the traces. No remote sampling, no CreateLogGroup, no PutMetricData.
    /// </summary>
    private static readonly AwsCall[] Collector =
    [
        new("logs:CreateLogStream", "the collector sidecar's awsemf exporter"),
        new("logs:PutLogEvents", "the collector sidecar's awsemf exporter"),
        new("xray:PutTraceSegments", "the collector sidecar's awsxray exporter"),
    ];

    /// <summary>Actions AWS authorizes only on Resource "*": they have no resource-level permissions.</summary>
    private static readonly HashSet<string> UnscopedActions = ["ecr:GetAuthorizationToken", "xray:PutTraceSegments"];

    /// <summary>The resource types an action of each service may name.</summary>
    private static readonly Dictionary<string, string[]> ResourceTypesOf = new(StringComparer.Ordinal)
    {
        ["dynamodb"] = ["AWS::DynamoDB::Table"],
        ["kinesis"] = ["AWS::Kinesis::Stream"],
        ["s3"] = ["AWS::S3::Bucket"],
        ["kms"] = ["AWS::KMS::Key"],
        ["connect"] = ["AWS::Connect::Instance", "AWS::Connect::ContactFlow"],
        ["secretsmanager"] = ["AWS::SecretsManager::Secret"],
        ["logs"] = ["AWS::Logs::LogGroup"],
    };

    /// <summary>Each role and the calls made with it: its code's, and what AWS makes on its behalf.</summary>
    private static readonly Dictionary<string, IReadOnlyList<AwsCall>> Expected = new(StringComparer.Ordinal)
    {
        ["SiloTaskRole"] = WithKeyUse([.. AwsCalls.OfProject("src/Silo/Silo.csproj"), .. Collector]),
        ["GatewayTaskRole"] = WithKeyUse([.. AwsCalls.OfProject("src/Gateway/Gateway.csproj"), .. Collector]),
        ["HookRole"] = WithKeyUse(
        [
            .. AwsCalls.OfLambda("deploy/connect-hook/index.mjs"),
            .. LambdaLogs.Select(a => new AwsCall(a, "Lambda, writing the hook's logs")),
        ]),
        ["TaskExecutionRole"] = WithKeyUse(
        [
            .. EcsTaskExecution.Select(a => new AwsCall(a, "ECS, pulling the images and writing the containers' logs")),
            .. Containers().Any(c => c["Secrets"] is JsonArray { Count: > 0 })
                ? [new AwsCall("secretsmanager:GetSecretValue", "ECS, injecting the containers' Secrets")]
                : Array.Empty<AwsCall>(),
        ]),
    };

    public static TheoryData<string, string> RolesAndServices()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in Expected.Keys.Order(StringComparer.Ordinal))
        {
            var services = Expected[role].Select(c => Service(c.Action)).Union(Granted(role).Select(Service));
            foreach (var service in services.Distinct().Order(StringComparer.Ordinal))
            {
                data.Add(role, service);
            }
        }

        return data;
    }

    [Fact]
    public void Parses_into_parameters_resources_conditions_and_outputs()
    {
        Assert.Equal("2010-09-09", Template["AWSTemplateFormatVersion"]!.GetValue<string>());
        Assert.NotEmpty(Parameters);
        Assert.NotEmpty(Conditions);
        Assert.NotEmpty(Template["Outputs"]!.AsObject());
        Assert.All(Resources, r => Assert.StartsWith("AWS::", Type(r.Key), StringComparison.Ordinal));
        Assert.All(Parameters, p => Assert.NotNull(p.Value!["Type"]));
    }

    [Fact]
    public void Every_reference_resolves_and_every_parameter_and_condition_is_used()
    {
        var problems = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in new[] { "Conditions", "Resources", "Outputs" })
        {
            Check(Template[section], section);
        }

        foreach (var (name, resource) in Resources)
        {
            foreach (var dependency in AsList(resource!["DependsOn"]).OfType<JsonValue>().Select(d => d.GetValue<string>()))
            {
                Resolve(dependency, $"Resources.{name}.DependsOn", resourceOnly: true);
            }
        }

        foreach (var (name, entry) in Resources.Concat(Template["Outputs"]!.AsObject()))
        {
            if (entry!["Condition"] is JsonValue condition)
            {
                UseCondition(condition.GetValue<string>(), name);
            }
        }

        problems.AddRange(Parameters.Select(p => p.Key).Where(p => !used.Contains(p)).Select(p => $"parameter {p} is never used"));
        problems.AddRange(Conditions.Select(c => c.Key).Where(c => !used.Contains("condition:" + c)).Select(c => $"condition {c} is never used"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));

        void Check(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Check(array[i], $"{path}[{i}]");
                    }

                    break;
                case JsonObject { Count: 1 } o when o["Ref"] is JsonValue name:
                    Resolve(name.GetValue<string>(), path, resourceOnly: false);
                    break;
                case JsonObject { Count: 1 } o when o["Condition"] is JsonValue name:
                    UseCondition(name.GetValue<string>(), path);
                    break;
                case JsonObject { Count: 1 } o when o["Fn::GetAtt"] is JsonArray target:
                    Resolve(target[0]!.GetValue<string>(), path, resourceOnly: true);
                    break;
                case JsonObject { Count: 1 } o when o["Fn::If"] is JsonArray branches:
                    UseCondition(branches[0]!.GetValue<string>(), path);
                    Check(branches[1], path + ".Fn::If[1]");
                    Check(branches[2], path + ".Fn::If[2]");
                    break;
                case JsonObject { Count: 1 } o when o["Fn::Sub"] is { } sub:
                    var (text, variables) = SubParts(sub);
                    Check(variables, path + ".Fn::Sub");
                    var names = new HashSet<string>(variables?.Select(v => v.Key) ?? [], StringComparer.Ordinal);
                    foreach (var reference in SubReferences(text).Where(r => !names.Contains(r)))
                    {
                        Resolve(reference.Split('.')[0], path, resourceOnly: reference.Contains('.', StringComparison.Ordinal));
                    }

                    break;
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        Check(value, $"{path}.{key}");
                    }

                    break;
            }
        }

        void Resolve(string name, string path, bool resourceOnly)
        {
            used.Add(name);
            var known = Resources.ContainsKey(name) || (!resourceOnly && (Parameters.ContainsKey(name) || PseudoParameters.Contains(name)));
            if (!known)
            {
                problems.Add($"{path} refers to {name}, which is no {(resourceOnly ? "resource" : "parameter, resource or pseudo parameter")}");
            }
        }

        void UseCondition(string name, string path)
        {
            used.Add("condition:" + name);
            if (!Conditions.ContainsKey(name))
            {
                problems.Add($"{path} uses condition {name}, which is not defined");
            }
        }
    }

    [Fact]
    public void The_resources_depend_on_each_other_without_a_cycle()
    {
        var dependencies = Resources.ToDictionary(
            r => r.Key,
            r => References(r.Value!["Properties"]).Concat(AsList(r.Value!["DependsOn"]).Select(d => d!.GetValue<string>())).Where(Resources.ContainsKey).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in dependencies.Keys)
        {
            Visit(name, []);
        }

        void Visit(string name, List<string> path)
        {
            if (done.Contains(name))
            {
                return;
            }

            Assert.False(path.Contains(name), "a cycle: " + string.Join(" -> ", path.SkipWhile(p => p != name).Append(name)));
            path.Add(name);
            foreach (var dependency in dependencies[name])
            {
                Visit(dependency, path);
            }

            path.RemoveAt(path.Count - 1);
            done.Add(name);
        }
    }

    [Theory]
    [MemberData(nameof(RolesAndServices))]
    public void Each_role_grants_exactly_the_calls_made_with_it(string role, string service)
    {
        var calls = Expected[role].Where(c => Service(c.Action) == service).ToList();
        var expected = calls.Select(c => c.Action).ToHashSet(StringComparer.Ordinal);
        var granted = Granted(role).Where(a => Service(a) == service).ToHashSet(StringComparer.Ordinal);

        var missing = expected.Except(granted).Order(StringComparer.Ordinal)
            .Select(a => $"{a} (needed by {string.Join(", ", calls.Where(c => c.Action == a).Select(c => c.Where).Distinct())})")
            .ToList();
        var extra = granted.Except(expected).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            missing.Count == 0 && extra.Count == 0,
            $"{role}, {service}:\n  not granted: {string.Join("; ", missing)}\n  granted, never called: {string.Join(", ", extra)}");
    }

    [Fact]
    public void The_roles_serve_the_tasks_the_hook_and_ecs_and_the_gateways_is_only_its_collectors_as_it_calls_no_AWS_API()
    {
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), Resources.Where(r => Type(r.Key) == "AWS::IAM::Role").Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(Expected.Keys, role => Assert.Null(Properties(role)["ManagedPolicyArns"]));

        AssertSame(GetAtt("SiloTaskRole", "Arn"), Properties("SiloTaskDefinition")["TaskRoleArn"]);
        AssertSame(GetAtt("TaskExecutionRole", "Arn"), Properties("SiloTaskDefinition")["ExecutionRoleArn"]);
        AssertSame(GetAtt("TaskExecutionRole", "Arn"), Properties("GatewayTaskDefinition")["ExecutionRoleArn"]);
        AssertSame(GetAtt("HookRole", "Arn"), Properties("Hook")["Role"]);

        Assert.Empty(AwsCalls.OfProject("src/Gateway/Gateway.csproj"));
        AssertSame(GetAtt("GatewayTaskRole", "Arn"), Properties("GatewayTaskDefinition")["TaskRoleArn"]);
    }

    [Fact]
    public void Every_grant_names_only_resources_its_users_are_configured_with_and_of_its_own_service()
    {
        foreach (var role in Expected.Keys)
        {
            // The task definitions or function that run with the role, what they name, and what those name
            // in turn (the key a secret or the bucket is encrypted with).
            var users = Resources.Where(r => Type(r.Key) != "AWS::IAM::Role" && References(r.Value!["Properties"]).Contains(role)).Select(r => r.Key).ToList();
            Assert.NotEmpty(users);
            var named = users.SelectMany(u => References(Properties(u))).Where(n => !IsRole(n)).ToHashSet(StringComparer.Ordinal);
            named.UnionWith(named.Where(Resources.ContainsKey).SelectMany(r => References(Resources[r]!["Properties"])).Where(n => !IsRole(n)).ToList());

            foreach (var statement in Statements(role))
            {
                var sid = $"{role}/{statement["Sid"]?.GetValue<string>()}";
                Assert.Equal("Allow", statement["Effect"]!.GetValue<string>());
                Assert.Null(statement["NotAction"]);
                Assert.Null(statement["NotResource"]);
                var actions = Actions(statement).ToList();
                var service = Assert.Single(actions.Select(Service).Distinct());

                foreach (var resource in AsList(statement["Resource"]))
                {
                    if (resource is JsonValue star && star.GetValue<string>() == "*")
                    {
                        Assert.True(actions.All(UnscopedActions.Contains), $"{sid} grants {string.Join(", ", actions)} on \"*\"");
                        continue;
                    }

                    var names = References(resource).ToList();
                    Assert.True(names.Count > 0, $"{sid} names {resource!.ToJsonString()}, which is none of this stack's resources");
                    foreach (var name in names)
                    {
                        // A resource of the action's own service, or (ECR) a repository the images come from.
                        var ofService = Resources.ContainsKey(name)
                            ? ResourceTypesOf.GetValueOrDefault(service, []).Contains(Type(name))
                            : service == "ecr";
                        Assert.True(ofService, $"{sid} grants {service} actions on {name}, which is no {service} resource");
                        Assert.True(named.Contains(name), $"{sid} grants {service} actions on {name}, which {string.Join(" and ", users)} do not use");
                    }
                }
            }
        }

        static bool IsRole(string name) => Resources.ContainsKey(name) && Type(name) == "AWS::IAM::Role";
    }

    [Fact]
    public void No_policy_allows_a_wildcard_action()
    {
        // A Deny may cover every action (the bucket's TLS-only rule does); an Allow names each one.
        var allows = AllPolicyStatements().Where(s => s["Effect"]!.GetValue<string>() == "Allow").ToList();
        Assert.NotEmpty(allows);
        Assert.All(allows, s =>
        {
            Assert.Null(s["NotAction"]);
            Assert.All(Actions(s), a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));
        });
    }

    [Fact]
    public void The_lake_bucket_blocks_public_access_refuses_plain_http_and_encrypts_with_the_key()
    {
        var bucket = Properties("LakeBucket");
        var block = bucket["PublicAccessBlockConfiguration"]!.AsObject();
        Assert.All(new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" }, k => Assert.Equal("true", block[k]!.GetValue<string>()));

        var encryption = Assert.Single(bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]!.AsArray())!;
        Assert.Equal("aws:kms", encryption["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>());
        AssertSame(GetAtt("Key", "Arn"), encryption["ServerSideEncryptionByDefault"]!["KMSMasterKeyID"]);
        Assert.Equal("true", encryption["BucketKeyEnabled"]!.GetValue<string>());

        var policy = Properties(Resources.Single(r => Type(r.Key) == "AWS::S3::BucketPolicy").Key);
        AssertSame(Ref("LakeBucket"), policy["Bucket"]);
        Assert.Contains(Statements(policy["PolicyDocument"]), s =>
            s["Effect"]!.GetValue<string>() == "Deny"
            && s["Condition"]?["Bool"]?["aws:SecureTransport"]?.GetValue<string>() == "false"
            && Actions(s).Contains("s3:*"));
    }

    [Fact]
    public void Tables_streams_secrets_logs_and_the_alarm_topic_are_encrypted_and_the_key_rotates()
    {
        Assert.Equal("true", Properties("Key")["EnableKeyRotation"]!.GetValue<string>());
        Assert.All(OfType("AWS::DynamoDB::Table"), t =>
        {
            Assert.Equal("true", t["SSESpecification"]!["SSEEnabled"]!.GetValue<string>());
            Assert.Equal("PAY_PER_REQUEST", t["BillingMode"]!.GetValue<string>());
        });
        Assert.All(OfType("AWS::Kinesis::Stream"), s =>
        {
            Assert.Equal("KMS", s["StreamEncryption"]!["EncryptionType"]!.GetValue<string>());
            AssertSame(GetAtt("Key", "Arn"), s["StreamEncryption"]!["KeyId"]);
            Assert.Equal("PROVISIONED", s["StreamModeDetails"]!["StreamMode"]!.GetValue<string>());
        });
        Assert.All(OfType("AWS::SecretsManager::Secret"), s => AssertSame(Ref("Key"), s["KmsKeyId"]));
        Assert.All(OfType("AWS::Logs::LogGroup"), g => AssertSame(GetAtt("Key", "Arn"), g["KmsKeyId"]));
        Assert.All(OfType("AWS::SNS::Topic"), t => AssertSame(Ref("Key"), t["KmsMasterKeyId"]));

        var redis = Properties("Redis");
        Assert.Equal("true", redis["TransitEncryptionEnabled"]!.GetValue<string>());
        Assert.Equal("true", redis["AtRestEncryptionEnabled"]!.GetValue<string>());
    }

    [Fact]
    public void The_tables_have_the_keys_the_code_uses_and_grain_state_can_be_restored_to_a_point_in_time()
    {
        var state = Properties("GrainStateTable");
        Assert.Equal(
            [(DynamoDbGrainStorage.PartitionKeyAttribute, "HASH"), (DynamoDbGrainStorage.SortKeyAttribute, "RANGE")],
            KeySchema(state));
        Assert.Equal(
            [(DynamoDbGrainStorage.PartitionKeyAttribute, "S"), (DynamoDbGrainStorage.SortKeyAttribute, "S")],
            state["AttributeDefinitions"]!.AsArray().Select(a => (a!["AttributeName"]!.GetValue<string>(), a["AttributeType"]!.GetValue<string>())));
        Assert.Equal("true", state["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!.GetValue<string>());

        var checkpoints = Properties("CheckpointTable");
        Assert.Equal([("pk", "HASH")], KeySchema(checkpoints));
        Assert.Equal("S", Assert.Single(checkpoints["AttributeDefinitions"]!.AsArray())!["AttributeType"]!.GetValue<string>());

        static IEnumerable<(string, string)> KeySchema(JsonObject table) =>
            table["KeySchema"]!.AsArray().Select(k => (k!["AttributeName"]!.GetValue<string>(), k["KeyType"]!.GetValue<string>()));
    }

    [Fact]
    public void Each_task_runs_a_collector_that_sends_its_metrics_to_the_stacks_log_group_and_its_traces_to_x_ray()
    {
        foreach (var task in new[] { "SiloTaskDefinition", "GatewayTaskDefinition" })
        {
            var collector = Assert.Single(AllContainers(task), c => c["Name"]!.GetValue<string>() == CollectorContainer);
            AssertSame(Ref("CollectorImage"), collector["Image"]);
            Assert.Equal("false", collector["Essential"]!.ToString());
            var config = SubParts(Variable(collector, "AOT_CONFIG_CONTENT")!["Fn::Sub"]!).Text;
            Assert.Contains("awsemf", config, StringComparison.Ordinal);
            Assert.Contains("awsxray", config, StringComparison.Ordinal);
            Assert.Contains("${TelemetryLogGroup}", config, StringComparison.Ordinal);
            Assert.Contains("namespace: ChurnActors", config, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1:4317", config, StringComparison.Ordinal);

            // The app sends OTLP to it on loopback and starts after it.
            var app = Containers(task).Single();
            Assert.Equal("http://127.0.0.1:4317", Variable(app, TelemetryHostingKeys.Otlp)!.GetValue<string>());
            Assert.Equal(CollectorContainer, app["DependsOn"]![0]!["ContainerName"]!.GetValue<string>());
        }

        // Every alarm on the project's own metrics names one the code exports.
        var exported = InstrumentNames();
        var alarmed = OfType("AWS::CloudWatch::Alarm")
            .SelectMany(a => a["Namespace"]?.GetValue<string>() == "ChurnActors"
                ? [a["MetricName"]!.GetValue<string>()]
                : AsList(a["Metrics"]).Select(m => m!["MetricStat"]?["Metric"]).Where(m => m?["Namespace"]?.GetValue<string>() == "ChurnActors").Select(m => m!["MetricName"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(5, OfType("AWS::CloudWatch::Alarm").Count(a => a["Namespace"]?.GetValue<string>() == "ChurnActors" || AsList(a["Metrics"]).Any(m => m!["MetricStat"]?["Metric"]?["Namespace"]?.GetValue<string>() == "ChurnActors")));
        Assert.All(alarmed, name => Assert.Contains(name, exported));
    }

    /// <summary>The names of the instruments <see cref="ChurnActors.Telemetry.ChurnMetrics"/> creates, read from a listener.</summary>
    private static HashSet<string> InstrumentNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == ChurnActors.Telemetry.ChurnMetrics.MeterName)
            {
                lock (names)
                {
                    names.Add(instrument.Name);
                }
            }
        };
        listener.Start();
        _ = new ChurnActors.Telemetry.ChurnMetrics();
        return names;
    }

    private static class TelemetryHostingKeys
    {
        public const string Otlp = ChurnActors.Gateway.Telemetry.TelemetryHosting.OtlpEndpointKey;
    }

    [Fact]
    public void The_containers_are_configured_through_the_documented_keys_with_the_aws_providers_and_this_stacks_resources()
    {
        foreach (var container in Containers())
        {
            var names = AsList(container["Environment"]).Concat(AsList(container["Secrets"])).Select(e => e!["Name"]!.GetValue<string>());
            Assert.All(names, n => Assert.True(IsConfigurationKey(n), $"{n} is no configuration key (README, Configuration)"));
            AssertSame(Ref("FeedbackSecret"), Secret(container, "Churn__Gateway__FeedbackSecret"));
            AssertSame(Ref("OperatorPasswordSecret"), Secret(container, "Churn__Gateway__Access__Password"));
            Assert.Equal("Redis", Variable(container, "Churn__Clustering__Provider")!.GetValue<string>());
            Assert.Contains("ssl=true", SubParts(Variable(container, "Churn__Clustering__Redis__ConnectionString")!["Fn::Sub"]!).Text, StringComparison.Ordinal);
        }

        var silo = Containers("SiloTaskDefinition").Single();
        Assert.All(
            new[] { ("Storage", "DynamoDb"), ("Streams", "Kinesis"), ("Archive", "S3"), ("Dialer", "Connect") },
            p => Assert.Equal(p.Item2, Variable(silo, $"Churn__{p.Item1}__Provider")!.GetValue<string>()));
        AssertSame(Ref("GrainStateTable"), Variable(silo, "Churn__Storage__DynamoDb__TableName"));
        AssertSame(Ref("ProbeStream"), Variable(silo, "Churn__Streams__Kinesis__ProbeStream"));
        AssertSame(Ref("RecordStream"), Variable(silo, "Churn__Streams__Kinesis__RecordStream"));
        AssertSame(Ref("CheckpointTable"), Variable(silo, "Churn__Streams__Kinesis__CheckpointTable"));
        AssertSame(Ref("LakeBucket"), Variable(silo, "Churn__Archive__S3__Bucket"));
        AssertSame(GetAtt("Key", "Arn"), Variable(silo, "Churn__Archive__S3__KmsKeyId"));
        AssertSame(GetAtt("ConnectInstance", "Id"), Variable(silo, "Churn__Dialer__Connect__InstanceId"));
        AssertSame(GetAtt("PhoneNumber", "Address"), Variable(silo, "Churn__Dialer__Connect__SourcePhoneNumber"));
        Assert.Contains("ContactFlow", References(Variable(silo, "Churn__Dialer__Connect__ContactFlowId")));
        Assert.All(
            new[] { "Storage__DynamoDb", "Streams__Kinesis", "Archive__S3", "Dialer__Connect" },
            s => AssertSame(Ref("AWS::Region"), Variable(silo, $"Churn__{s}__Region")));
    }

    [Fact]
    public void The_network_lets_in_only_https_to_the_load_balancer_and_the_cluster_ports_between_the_tasks()
    {
        var clustering = new ClusteringOptions();
        var rules = new HashSet<(string Group, string Port, string From)>();
        foreach (var (name, resource) in Resources)
        {
            if (Type(name) == "AWS::EC2::SecurityGroup")
            {
                rules.UnionWith(AsList(Properties(name)["SecurityGroupIngress"]).Select(r => Rule(name, r!.AsObject())));
            }
            else if (Type(name) == "AWS::EC2::SecurityGroupIngress")
            {
                rules.Add(Rule(References(Properties(name)["GroupId"]).Single(), Properties(name)));
            }
        }

        const string silo = "SiloSecurityGroup", gateway = "GatewaySecurityGroup", loadBalancer = "LoadBalancerSecurityGroup", redis = "RedisSecurityGroup";
        var (siloPort, gatewayPort) = (clustering.SiloPort.ToString(Culture), clustering.GatewayPort.ToString(Culture));
        Assert.Equal(
            new HashSet<(string, string, string)>
            {
                (loadBalancer, "443", "AllowedIngressCidr"),
                (loadBalancer, "80", "AllowedIngressCidr"),
                (gateway, "8080", loadBalancer),
                (silo, "8080", loadBalancer),
                (silo, siloPort, silo),
                (silo, gatewayPort, silo),
                (silo, gatewayPort, gateway),
                (redis, "6379", silo),
                (redis, "6379", gateway),
            }.Order(),
            rules.Order());

        var https = Properties("HttpsListener");
        Assert.Equal("HTTPS", https["Protocol"]!.GetValue<string>());
        AssertSame(Ref("CertificateArn"), Assert.Single(https["Certificates"]!.AsArray())!["CertificateArn"]);
        Assert.Equal("redirect", Assert.Single(Properties("HttpListener")["DefaultActions"]!.AsArray())!["Type"]!.GetValue<string>());

        static (string, string, string) Rule(string group, JsonObject rule)
        {
            Assert.Equal(rule["FromPort"]!.GetValue<string>(), rule["ToPort"]!.GetValue<string>());
            var from = References(rule["SourceSecurityGroupId"] ?? rule["CidrIp"]).Single();
            return (group, rule["FromPort"]!.GetValue<string>(), from);
        }
    }

    [Fact]
    public void The_contact_flow_is_deploy_connect_Subscriber_engagement_json_with_the_hooks_arn()
    {
        var flow = Properties("ContactFlow");
        var (content, variables) = SubParts(flow["Content"]!["Fn::Sub"]!);
        var file = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "connect", "Subscriber_engagement.json"));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(file), JsonNode.Parse(content)), "the embedded flow differs from deploy/connect/Subscriber_engagement.json");
        Assert.Equal(["ConnectHookArn"], SubReferences(content).Distinct());
        AssertSame(GetAtt("Hook", "Arn"), variables!["ConnectHookArn"]);
        Assert.Equal("CONTACT_FLOW", flow["Type"]!.GetValue<string>());
        Assert.Equal("HookIntegration", Resources["ContactFlow"]!["DependsOn"]!.GetValue<string>());

        AssertSame(GetAtt("Hook", "Arn"), Properties("HookIntegration")["IntegrationArn"]);
        var permission = Properties("HookInvokedByConnect");
        Assert.Equal("connect.amazonaws.com", permission["Principal"]!.GetValue<string>());
        AssertSame(GetAtt("ConnectInstance", "Arn"), permission["SourceArn"]);
        AssertSame(GetAtt("ConnectInstance", "Arn"), Properties("PhoneNumber")["TargetArn"]);
    }

    [Fact]
    public void The_hook_runs_deploy_connect_hook_on_node_22_with_the_settings_it_reads_and_the_secrets_extension()
    {
        var hook = Properties("Hook");
        Assert.Equal("nodejs22.x", hook["Runtime"]!.GetValue<string>());
        Assert.Equal("index.handler", hook["Handler"]!.GetValue<string>());

        // Inline code would be written as index.js, a CommonJS module; the hook is an ES module.
        Assert.Null(hook["Code"]!["ZipFile"]);
        AssertSame(Ref("HookCodeBucket"), hook["Code"]!["S3Bucket"]);
        AssertSame(Ref("SecretsExtensionLayerArn"), Assert.Single(hook["Layers"]!.AsArray()));

        var source = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "connect-hook", "index.mjs"));
        var read = ProcessEnv().Matches(source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var variables = hook["Environment"]!["Variables"]!.AsObject();
        Assert.All(variables, v => Assert.Contains(v.Key, read));
        Assert.Contains("https://${GatewayDomainName}", SubParts(variables["CHURN_GATEWAY_URL"]!["Fn::Sub"]!).Text, StringComparison.Ordinal);

        // The hook signs with the secret the gateway checks.
        AssertSame(Ref("FeedbackSecret"), variables["CHURN_FEEDBACK_SECRET_ID"]);
    }

    [Fact]
    public void The_glue_tables_are_those_of_deploy_athena_tables_sql()
    {
        var sql = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "athena", "tables.sql"));
        var tables = AthenaTable().Matches(sql).ToList();
        var glue = OfType("AWS::Glue::Table").Select(t => t["TableInput"]!.AsObject()).ToDictionary(t => t["Name"]!.GetValue<string>(), StringComparer.Ordinal);
        Assert.Equal(tables.Select(t => t.Groups["name"].Value).Order(StringComparer.Ordinal), glue.Keys.Order(StringComparer.Ordinal));

        foreach (var table in tables)
        {
            var input = glue[table.Groups["name"].Value];
            Assert.Equal(Columns(table.Groups["columns"].Value), Columns(input["StorageDescriptor"]!["Columns"]!));
            Assert.Equal(Columns(table.Groups["partitions"].Value), Columns(input["PartitionKeys"]!));
            Assert.Equal(table.Groups["location"].Value, LakeText(input["StorageDescriptor"]!["Location"]));
            Assert.Contains("Parquet", input["StorageDescriptor"]!["SerdeInfo"]!["SerializationLibrary"]!.GetValue<string>(), StringComparison.Ordinal);
            foreach (Match property in TableProperty().Matches(table.Groups["properties"].Value))
            {
                Assert.Equal(property.Groups[2].Value, LakeText(input["Parameters"]![property.Groups[1].Value]));
            }
        }

        static List<(string, string)> Columns(object columns) => columns is string text
            ? [.. AthenaColumn().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value))]
            : [.. ((JsonArray)columns).Select(c => (c!["Name"]!.GetValue<string>(), c["Type"]!.GetValue<string>()))];

        // The template's value as tables.sql writes it: its bucket placeholder, and ${dt} rather than Sub's escaped ${!dt}.
        static string? LakeText(JsonNode? value) => value is JsonObject sub
            ? SubParts(sub["Fn::Sub"]!).Text.Replace("${LakeBucket}", "churn-lake-bucket", StringComparison.Ordinal).Replace("${!", "${", StringComparison.Ordinal)
            : value?.GetValue<string>();
    }

    [Fact]
    public void The_outputs_give_what_an_operator_and_the_connect_setup_need()
    {
        Assert.All(
            new[] { "GatewayUrl", "ConnectHookArn", "ContactFlowId", "PhoneNumber", "LakeBucket", "GrainStateTable", "CheckpointTable", "ProbeStream", "RecordStream" },
            o => Assert.NotNull(Template["Outputs"]![o]?["Value"]));
    }

    private static IReadOnlyList<AwsCall> WithKeyUse(IReadOnlyList<AwsCall> calls) =>
    [
        .. calls,
        .. calls.SelectMany(c => KeyUseOf.GetValueOrDefault(c.Action, []).Select(k => new AwsCall(k, $"{c.Action} on data under the stack's key, {c.Where}"))),
    ];

    private static string Service(string action) => action.Split(':')[0];

    private static string Type(string resource) => Resources[resource]!["Type"]!.GetValue<string>();

    private static JsonObject Properties(string resource) => Resources[resource]!["Properties"]!.AsObject();

    private static IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => Properties(r.Key));

    /// <summary>The app containers (silo, gateway) of the task definitions, without their collector sidecars.</summary>
    private static IEnumerable<JsonObject> Containers(string? taskDefinition = null) =>
        AllContainers(taskDefinition).Where(c => c["Name"]!.GetValue<string>() != CollectorContainer);

    private const string CollectorContainer = "otel-collector";

    private static IEnumerable<JsonObject> AllContainers(string? taskDefinition = null) =>
        Resources.Where(r => Type(r.Key) == "AWS::ECS::TaskDefinition" && (taskDefinition is null || r.Key == taskDefinition))
            .SelectMany(r => Properties(r.Key)["ContainerDefinitions"]!.AsArray().Select(c => c!.AsObject()));

    private static JsonNode? Variable(JsonObject container, string name) =>
        AsList(container["Environment"]).SingleOrDefault(e => e!["Name"]!.GetValue<string>() == name)?["Value"];

    private static JsonNode? Secret(JsonObject container, string name) =>
        AsList(container["Secrets"]).SingleOrDefault(e => e!["Name"]!.GetValue<string>() == name)?["ValueFrom"];

    private static IEnumerable<JsonObject> Statements(string role) =>
        Properties(role)["Policies"]!.AsArray().SelectMany(p => Statements(p!["PolicyDocument"]));

    private static IEnumerable<JsonObject> Statements(JsonNode? document) => AsList(document!["Statement"]).Select(s => s!.AsObject());

    private static IEnumerable<string> Actions(JsonObject statement) => AsList(statement["Action"]).Select(a => a!.GetValue<string>());

    private static IEnumerable<string> Granted(string role) => Statements(role).SelectMany(Actions);

    /// <summary>Every policy document in the template: role policies, the key policy, bucket policies.</summary>
    private static IEnumerable<JsonObject> AllPolicyStatements()
    {
        static IEnumerable<JsonObject> Walk(JsonNode? node) => node switch
        {
            JsonObject o when o["Statement"] is { } && o["Version"] is { } => Statements(o),
            JsonObject o => o.SelectMany(p => Walk(p.Value)),
            JsonArray a => a.SelectMany(Walk),
            _ => [],
        };

        return Walk(Resources);
    }

    // Typed arms: an untyped [node] would become a JsonArray, which cannot adopt a node that has a parent.
    private static IEnumerable<JsonNode?> AsList(JsonNode? node) => node switch
    {
        JsonArray array => array,
        null => Array.Empty<JsonNode?>(),
        _ => new[] { node },
    };

    /// <summary>The parameters and resources a value refers to (pseudo parameters left out).</summary>
    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject { Count: 1 } o when o["Ref"] is JsonValue name => PseudoParameters.Contains(name.GetValue<string>()) ? [] : [name.GetValue<string>()],
        JsonObject { Count: 1 } o when o["Fn::GetAtt"] is JsonArray target => [target[0]!.GetValue<string>()],
        JsonObject { Count: 1 } o when o["Fn::Sub"] is { } sub => SubReferences(SubParts(sub).Text)
            .Select(r => r.Split('.')[0])
            .Where(r => !PseudoParameters.Contains(r))
            .Concat(SubParts(sub).Variables?.SelectMany(v => References(v.Value)) ?? []),
        JsonObject o => o.SelectMany(p => References(p.Value)),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };

    private static (string Text, JsonObject? Variables) SubParts(JsonNode sub) => sub is JsonArray pair
        ? (pair[0]!.GetValue<string>(), pair[1]!.AsObject())
        : (sub.GetValue<string>(), null);

    /// <summary>The names in a Sub string's <c>${…}</c>, without the literal <c>${!…}</c>.</summary>
    private static IEnumerable<string> SubReferences(string text) => SubReference().Matches(text).Select(m => m.Groups[1].Value);

    private static JsonObject Ref(string name) => new() { ["Ref"] = name };

    private static JsonObject GetAtt(string resource, string attribute) => new() { ["Fn::GetAtt"] = new JsonArray(resource, attribute) };

    private static void AssertSame(JsonNode expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}, found {actual?.ToJsonString() ?? "nothing"}");

    /// <summary>An environment variable that sets a key of a Churn configuration section, "__" for ":".</summary>
    private static bool IsConfigurationKey(string variable)
    {
        // Every options type bound under a section, by the section's path below "Churn".
        var sections = new (string Path, Type Options)[]
        {
            ("Clustering", typeof(ClusteringOptions)),
            ("Storage", typeof(ProviderChoice<StorageProvider>)),
            ("Storage__DynamoDb", typeof(ChurnActors.Adapters.Storage.DynamoDbStorageOptions)),
            ("Streams", typeof(ProviderChoice<StreamsProvider>)),
            ("Streams__Kinesis", typeof(ChurnActors.Adapters.Kinesis.KinesisStreamsOptions)),
            ("Archive", typeof(ArchiveOptions)),
            ("Archive", typeof(ProviderChoice<ArchiveProvider>)),
            ("Archive__S3", typeof(ChurnActors.Adapters.Archive.S3ArchiveOptions)),
            ("Archive__LocalDirectory", typeof(ChurnActors.Adapters.Archive.LocalDirectoryArchiveOptions)),
            ("Dialer", typeof(DialerOptions)),
            ("Dialer", typeof(ProviderChoice<DialerProvider>)),
            ("Dialer__Connect", typeof(ChurnActors.Adapters.Connect.ConnectDialerOptions)),
            ("Gateway", typeof(GatewayOptions)),
            ("Simulator", typeof(SimulatorOptions)),
            ("Telemetry", typeof(ChurnActors.Gateway.Telemetry.TelemetryOptions)),
        };

        // The OpenTelemetry SDK's own standard variable (README, Observability).
        if (variable == ChurnActors.Gateway.Telemetry.TelemetryHosting.OtlpEndpointKey)
        {
            return true;
        }

        return variable.StartsWith("Churn__", StringComparison.Ordinal) && sections.Any(section =>
            variable["Churn__".Length..].StartsWith(section.Path + "__", StringComparison.Ordinal)
            && Binds(section.Options, variable[("Churn__" + section.Path + "__").Length..].Split("__")));
    }

    /// <summary>Whether <paramref name="keys"/> lead, property by property as the configuration binder reads them, to a value of <paramref name="type"/>.</summary>
    private static bool Binds(Type type, string[] keys)
    {
        foreach (var key in keys)
        {
            var property = type.GetProperties().FirstOrDefault(p =>
                (p.GetCustomAttributes(typeof(Microsoft.Extensions.Configuration.ConfigurationKeyNameAttribute), false) is [Microsoft.Extensions.Configuration.ConfigurationKeyNameAttribute named] ? named.Name : p.Name) == key);
            if (property is null)
            {
                return false;
            }

            type = property.PropertyType;
        }

        return true;
    }

    [GeneratedRegex(@"\$\{([^!}][^}]*)\}")]
    private static partial Regex SubReference();

    [GeneratedRegex(@"process\.env\.(\w+)")]
    private static partial Regex ProcessEnv();

    [GeneratedRegex(@"CREATE EXTERNAL TABLE IF NOT EXISTS `(?<name>\w+)` \((?<columns>.*?)\)\s*PARTITIONED BY \((?<partitions>.*?)\)\s*STORED AS PARQUET\s*LOCATION '(?<location>[^']+)'\s*TBLPROPERTIES \((?<properties>.*?)\);", RegexOptions.Singleline)]
    private static partial Regex AthenaTable();

    [GeneratedRegex(@"`(\w+)` (\w+)")]
    private static partial Regex AthenaColumn();

    [GeneratedRegex(@"'([^']+)' = '([^']+)'")]
    private static partial Regex TableProperty();
}
