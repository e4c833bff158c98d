using ConductorMesh.ServiceDefaults.Auth;

namespace ConductorMesh.AppHost;

/// <summary><c>./mesh token --role ROLE [--partner P] [--member M] [--hours H]</c>: a development token the local system accepts.</summary>
public static class TokenCommand
{
    public const string Usage = "usage: ./mesh token --role member|partner|moderator|operator|service [--partner P] [--member M] [--hours H]";

    public static int Run(string[] args, LocalState state)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"mesh token: '{args[i]}' needs a value.\n{Usage}");
                return 2;
            }
            options[args[i][2..]] = args[++i];
        }
        var unknown = options.Keys.Except(["role", "partner", "member", "hours"]).ToList();
        if (unknown.Count > 0 || !options.TryGetValue("role", out var role))
        {
            Console.Error.WriteLine(unknown.Count > 0 ? $"mesh token: unknown option --{unknown[0]}.\n{Usage}" : $"mesh token: --role is required.\n{Usage}");
            return 2;
        }
        if (!MeshClaims.Roles.All.Contains(role))
        {
            Console.Error.WriteLine($"mesh token: unknown role '{role}'.\n{Usage}");
            return 2;
        }
        var hours = 12.0;
        if (options.TryGetValue("hours", out var h) && (!double.TryParse(h, System.Globalization.CultureInfo.InvariantCulture, out hours) || hours <= 0))
        {
            Console.Error.WriteLine($"mesh token: --hours must be a positive number, not '{h}'.");
            return 2;
        }
        options.TryGetValue("partner", out var partner);
        options.TryGetValue("member", out var member);
        Console.WriteLine(MeshTokens.Issue(state.Issuer, role, partner, member, TimeSpan.FromHours(hours)));
        return 0;
    }
}
