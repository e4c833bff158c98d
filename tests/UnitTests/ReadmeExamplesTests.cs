using System.Reflection;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ConductorMesh.UnitTests;

/// <summary>
/// Every grpcurl example in the README names an RPC that exists, on its service's port, with a
/// body that parses as that RPC's request (proto3 JSON, no unknown fields): the examples cannot
/// drift from the protos unnoticed.
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    private static readonly Dictionary<string, (ServiceDescriptor Service, int Port)> Services = new[]
    {
        (Ideas.V1.IdeasReflection.Descriptor.Services[0], 7101),
        (Voting.V1.VotingReflection.Descriptor.Services[0], 7102),
        (Grants.V1.GrantsReflection.Descriptor.Services[0], 7103),
        (Community.V1.CommunityReflection.Descriptor.Services[0], 7104),
    }.ToDictionary(s => s.Item1.FullName, s => s);

    [GeneratedRegex(@"grpcurl -plaintext (?:-H ""\$(?<token>\w+)""\s*|-H ""[^""]*""\s*\\?\s*)*(?:-d '(?<body>[^']*)'\s*\\?\s*)?localhost:(?<port>\d+) (?<service>[\w.]+)/(?<method>\w+)")]
    private static partial Regex Call();

    /// <summary>The tokens the README's examples set up, by variable: the role each carries and the member or moderator it names.</summary>
    private static readonly Dictionary<string, (string Role, string Names)> Tokens = new()
    {
        ["OPERATOR"] = ("operator", ""), ["MODERATOR"] = ("moderator", "moderator-1"), ["MEMBER"] = ("member", "member-1"), ["SITE"] = ("partner", ""),
    };

    public static TheoryData<string, int, string, string, string> Examples()
    {
        var root = typeof(ReadmeExamplesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var data = new TheoryData<string, int, string, string, string>();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        // grpc.health.v1 is the standard health API, not ours.
        foreach (var m in Call().Matches(readme).Where(m => !m.Groups["service"].Value.StartsWith("grpc.", StringComparison.Ordinal)))
        {
            // Named by its place in the README: the same call may be shown twice.
            var line = readme[..m.Index].Count(c => c == '\n') + 1;
            data.Add($"{m.Groups["service"].Value}/{m.Groups["method"].Value}", int.Parse(m.Groups["port"].Value), m.Groups["body"].Value, m.Groups["token"].Value,
                $"README.md:{line}: {m.Value[..Math.Min(m.Value.Length, 80)]}");
        }
        return data;
    }

    [Fact]
    public void The_readme_shows_an_example_of_most_rpcs() =>
        Assert.True(Examples().Count() >= 15, $"found only {Examples().Count()} grpcurl examples");

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_example_calls_a_real_rpc_with_a_valid_request(string rpc, int port, string body, string token, string example)
    {
        var (serviceName, methodName) = (rpc.Split('/')[0], rpc.Split('/')[1]);
        Assert.True(Services.TryGetValue(serviceName, out var service), $"{example}: no service {serviceName}");
        Assert.Equal(service.Port, port);
        var method = service.Service.FindMethodByName(methodName);
        Assert.True(method is not null, $"{example}: {serviceName} has no {methodName}");
        // Its token is one the RPC takes, acting as the member or moderator the body names.
        Assert.True(Tokens.TryGetValue(token, out var caller), $"{example}: no token of the examples' ({string.Join(", ", Tokens.Keys)}) in -H");
        var rule = ConductorMesh.ServiceDefaults.Auth.AccessRules.Of(method);
        Assert.True(rule.Roles.Contains(caller.Role), $"{example}: {methodName} is for {string.Join(", ", rule.Roles)}, not {caller.Role}");
        var actsAs = caller.Role switch { "member" => rule.MemberField, "moderator" => rule.ModeratorField, _ => "" };
        if (actsAs.Length > 0 && body.Contains($"\"{actsAs}\"", StringComparison.Ordinal))
        {
            Assert.Contains($"\"{actsAs}\":\"{caller.Names}\"", body);
        }
        // A streaming call's body holds one message after another.
        var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(body), new System.Text.Json.JsonReaderOptions { AllowMultipleValues = true });
        while (System.Text.Json.JsonDocument.TryParseValue(ref reader, out var message))
        {
            using (message)
            {
                JsonParser.Default.Parse(message.RootElement.GetRawText(), method.InputType);
            }
        }
    }
}
