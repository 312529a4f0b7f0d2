using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace ChurnActors.Tests.Deploy;

/// <summary>
/// A CloudFormation YAML template as the JSON CloudFormation reads it: short-form tags become their
/// long form (<c>!Ref X</c> → <c>{"Ref": "X"}</c>, <c>!GetAtt A.B</c> → <c>{"Fn::GetAtt": ["A", "B"]}</c>,
/// <c>!Sub …</c> → <c>{"Fn::Sub": …}</c>, <c>!Condition X</c> → <c>{"Condition": "X"}</c>), and every
/// scalar is a string (CloudFormation converts them where a property wants a number or a boolean).
/// </summary>
public static class CloudFormationYaml
{
    public static JsonObject Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }

        return Convert(yaml.Documents.Single().RootNode)?.AsObject()
            ?? throw new InvalidDataException($"{path} holds no mapping.");
    }

    private static JsonNode? Convert(YamlNode node)
    {
        JsonNode? value = node switch
        {
            YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
                KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
            YamlScalarNode scalar => scalar.Value is { } text ? JsonValue.Create(text) : null,
            _ => throw new InvalidDataException($"Unexpected YAML node at {node.Start}."),
        };

        // Local tags ("!Ref") are CloudFormation's short forms; "!" alone and "tag:yaml.org,2002:…" are YAML's own.
        var tag = node.Tag.IsEmpty ? "" : node.Tag.Value;
        if (tag.Length < 2 || tag[0] != '!')
        {
            return value;
        }

        var name = tag[1..];
        return name switch
        {
            "Ref" or "Condition" => new JsonObject { [name] = value },
            "GetAtt" when value is JsonValue dotted => new JsonObject
            {
                ["Fn::GetAtt"] = new JsonArray([.. dotted.GetValue<string>().Split('.', 2).Select(p => (JsonNode)p)]),
            },
            _ => new JsonObject { ["Fn::" + name] = value },
        };
    }
}
