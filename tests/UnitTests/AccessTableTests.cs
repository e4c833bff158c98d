using System.Reflection;
using System.Text;
using ConductorMesh.ServiceDefaults.Auth;
using Google.Protobuf.Reflection;

namespace ConductorMesh.UnitTests;

/// <summary>
/// The README's table of who may call each RPC is the protos' access options, written out: it
/// cannot drift from what the services enforce, and no RPC is left without a rule.
/// </summary>
public sealed class AccessTableTests
{
    private static readonly (string Name, ServiceDescriptor Api)[] Apis =
    [
        ("Ideas", Ideas.V1.IdeasReflection.Descriptor.Services[0]),
        ("Voting", Voting.V1.VotingReflection.Descriptor.Services[0]),
        ("Grants", Grants.V1.GrantsReflection.Descriptor.Services[0]),
        ("Community", Community.V1.CommunityReflection.Descriptor.Services[0]),
    ];

    /// <summary>The table as the README shows it.</summary>
    public static string Table()
    {
        var table = new StringBuilder("| API | RPC | Roles allowed | Acts as (request field) |\n|---|---|---|---|\n");
        foreach (var (name, api) in Apis)
        {
            foreach (var rule in api.Methods.Select(AccessRules.Of))
            {
                var actsAs = string.Join(", ", new[] { (rule.MemberField, "member"), (rule.ModeratorField, "moderator") }
                    .Where(f => f.Item1.Length > 0).Select(f => $"{f.Item2}: `{f.Item1}`"));
                table.Append($"| {name} | `{rule.Method}` | {string.Join(", ", rule.Roles)} | {actsAs} |\n");
            }
        }
        return table.ToString();
    }

    [Fact]
    public void Every_rpc_of_every_api_has_an_access_rule() =>
        Assert.All(Apis.SelectMany(a => a.Api.Methods), m => Assert.NotEmpty(AccessRules.Of(m).Roles));

    [Fact]
    public void The_readme_table_is_the_protos_access_rules()
    {
        var root = typeof(AccessTableTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        Assert.True(readme.Contains(Table(), StringComparison.Ordinal), $"The README's access table should read:\n{Table()}");
        var repeated = Table().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2) // past the header
            .Where(row => readme.Split('\n').Count(line => line == row) > 1).ToList();
        Assert.True(repeated.Count == 0, $"The README repeats rows of the access table:\n{string.Join("\n", repeated)}");
    }
}
