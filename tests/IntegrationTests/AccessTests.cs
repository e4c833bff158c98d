using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Npgsql;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// Who may do what, for every RPC of the four APIs as their protos state it: no token, a forged
/// or expired token, a role the RPC is not for, and a caller acting for a member or moderator it
/// may not act as are each refused with the right status, and no database changes.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class AccessTests(MeshFixture mesh)
{
    private static readonly string[] Databases = ["ideas", "voting", "grants", "community"];

    [Fact]
    public async Task Every_rpc_refuses_callers_it_is_not_for_and_nothing_changes()
    {
        var scenario = new Scenario(mesh);
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var member = await mesh.NewMemberAsync("access");
        var idea = await scenario.ApprovedAsync(cycle, "Guarded idea", "5k", member);
        var comment = await mesh.Partner.Community.PostCommentAsync(new PostCommentRequest { IdeaId = idea.Id, AuthorId = member, Body = "Mine" });
        var ids = new Dictionary<string, string>
        {
            ["program_id"] = program.Id, ["cycle_id"] = cycle.Id, ["idea_id"] = idea.Id, ["comment_id"] = comment.Id, ["moderator_id"] = "moderator-1",
        };
        var forged = MeshFixture.Bearer(MeshTokens.Issue(TokenSigner.Create(MeshTokens.IssuerKeyId), MeshClaims.Roles.Operator));
        var expired = MeshFixture.Bearer(MeshTokens.Issue(mesh.Issuer, MeshClaims.Roles.Operator, lifetime: TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddHours(-1)));
        // Tokens that only the issuer's key could make lawfully: a service's own key (which proves
        // only "service ideas") claiming other roles or another service, an unsigned token, and an
        // HS256 token keyed with the issuer's public key (the algorithm-confusion forgery).
        var ideasKey = mesh.SignerOf(TrustedKeys.BoundKeyId(MeshClaims.Roles.Service, "ideas"));
        List<(string What, Metadata Token, string Says)> forgedFromPublicThings = MeshClaims.Roles.All.Except([MeshClaims.Roles.Service])
            .Select(role => ($"the {role} role signed with Ideas' own key", MeshFixture.Bearer(MeshTokens.Issue(ideasKey, role, "other-partner", "someone")), "signs only for the caller it belongs to"))
            .Append(("another service signed with Ideas' own key", MeshFixture.Bearer(MeshTokens.Issue(ideasKey, MeshClaims.Roles.Service, member: "voting")), "signs only for the caller it belongs to"))
            .Append(("alg none", MeshFixture.Bearer(ForgedTokens.Unsigned(MeshClaims.Roles.Operator)), "signature"))
            .Append(("HS256 keyed with the issuer's public key", MeshFixture.Bearer(ForgedTokens.KeyedWithPublicKey(mesh.Issuer, MeshClaims.Roles.Operator)), "signature"))
            .ToList();
        var before = await QuietDigestAsync();

        var wrong = new List<string>();
        var checkedCases = 0;
        foreach (var (service, api) in RawCall.Apis)
        {
            var channel = Grpc.Net.Client.GrpcChannel.ForAddress(mesh.Url(service));
            foreach (var method in api.Methods)
            {
                var rule = AccessRules.Of(method);
                var request = Plausible(method.InputType, ids, rule.MemberField.Length > 0 ? member : "");
                var cases = new List<(string Case, Metadata? Token, StatusCode Status, string Says)>
                {
                    ("no token", null, StatusCode.Unauthenticated, "needs a bearer token"),
                    ("a forged token", forged, StatusCode.Unauthenticated, "signature"),
                    ("an expired token", expired, StatusCode.Unauthenticated, "expired"),
                };
                cases.AddRange(forgedFromPublicThings.Select(f => (f.What, (Metadata?)f.Token, StatusCode.Unauthenticated, f.Says)));
                foreach (var role in MeshClaims.Roles.All.Except(rule.Roles))
                {
                    cases.Add(($"the {role} role", mesh.As(role, "other-partner", "someone"), StatusCode.PermissionDenied, "is for"));
                }
                if (rule.MemberField.Length > 0 && rule.Roles.Contains(MeshClaims.Roles.Partner))
                {
                    cases.Add(("another partner for the member", mesh.As(MeshClaims.Roles.Partner, "other-partner"), StatusCode.PermissionDenied, "acts only for the members it registered"));
                }
                if (rule.MemberField.Length > 0 && rule.Roles.Contains(MeshClaims.Roles.Member))
                {
                    cases.Add(("another member", mesh.AsMember("someone-else"), StatusCode.PermissionDenied, "acts only as its own member"));
                }
                if (rule.ModeratorField.Length > 0 && rule.Roles.Contains(MeshClaims.Roles.Moderator))
                {
                    cases.Add(("another moderator", mesh.As(MeshClaims.Roles.Moderator, member: "moderator-2"), StatusCode.PermissionDenied, "acts only as its own moderator"));
                }
                foreach (var (what, token, status, says) in cases)
                {
                    var (answer, response) = await RawCall.SendAsync(channel, method, request, token);
                    // A bulk call refuses a vote for someone else as that vote's outcome, so the rest of the stream still counts.
                    if (answer.StatusCode == StatusCode.OK && response is CastVotesResponse bulk && bulk.Outcomes.Count == 1)
                    {
                        answer = new Status((StatusCode)bulk.Outcomes[0].Code, bulk.Outcomes[0].Message);
                    }
                    checkedCases++;
                    if (answer.StatusCode != status || !answer.Detail.Contains(says, StringComparison.Ordinal))
                    {
                        wrong.Add($"{method.FullName} with {what}: {answer.StatusCode} \"{answer.Detail}\", expected {status} saying \"{says}\"");
                    }
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(checkedCases > 700, $"only {checkedCases} cases");
        Assert.Equal(before, await DigestAsync());
    }

    [Fact]
    public async Task A_partner_registers_members_for_itself_and_acts_for_them_only()
    {
        var other = await mesh.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = $"o-{Guid.NewGuid():N}"[..20], DisplayName = "Other", Partner = "other-partner" });
        Assert.Equal("other-partner", other.Partner);
        var own = await mesh.Partner.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = $"p-{Guid.NewGuid():N}"[..20], DisplayName = "Own" });
        Assert.Equal(MeshFixture.TestPartner, own.Partner);
        await Refused.With(() => mesh.Partner.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = $"x-{Guid.NewGuid():N}"[..20], DisplayName = "X", Partner = "other-partner" }).ResponseAsync,
            StatusCode.PermissionDenied, "for itself only");

        await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = own.Id, MemberId = other.Id });
        await Refused.With(() => mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = other.Id, MemberId = own.Id }).ResponseAsync,
            StatusCode.PermissionDenied, $"member '{other.Id}' (follower_id) is not one of them");
        var followers = await mesh.Partner.Community.ListFollowersAsync(new ListFollowersRequest { MemberId = other.Id });
        Assert.Equal([own.Id], followers.Follows.Select(f => f.FollowerId));
        Assert.Empty((await mesh.Partner.Community.ListFollowersAsync(new ListFollowersRequest { MemberId = own.Id })).Follows);
    }

    /// <summary>A request that would succeed for a caller allowed to make it: real ids where the field names one, the member where the rule names it.</summary>
    private static IMessage Plausible(MessageDescriptor type, IReadOnlyDictionary<string, string> ids, string member)
    {
        var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
        foreach (var field in type.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.String && !f.IsRepeated))
        {
            var value = ids.GetValueOrDefault(field.Name)
                ?? (field.Name.EndsWith("_id", StringComparison.Ordinal) || field.Name == "author_member_id" ? member : null)
                ?? (field.Name.Contains("token", StringComparison.Ordinal) ? "" : "Plausible text");
            field.Accessor.SetValue(message, value);
        }
        foreach (var field in type.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.Enum && !f.IsRepeated))
        {
            field.Accessor.SetValue(message, field.EnumType.Values[1].Number);
        }
        return message;
    }

    /// <summary>
    /// The digest once two readings in a row agree: what earlier tests set off (events, tallies)
    /// has settled, and no cycle of theirs changes phase on its schedule while this test runs.
    /// </summary>
    private async Task<string> QuietDigestAsync()
    {
        await Eventually.Get(() => mesh.SqlAsync("grantsdb",
            """
            SELECT count(*) FROM cycles WHERE closed_at IS NULL AND now() + interval '1 minute' >
                LEAST(closes_at, CASE WHEN submissions_closed_at IS NULL THEN submissions_close_at END, CASE WHEN voting_opened_at IS NULL THEN voting_opens_at END)
            """), n => Convert.ToInt64(n) == 0, "earlier tests' cycles to pass their deadlines", seconds: 90);
        // A vote Grants has closed reaches Voting by an event a moment later: wait until Voting has
        // closed every cycle whose vote Grants closed, so no close lands while this test runs.
        await Eventually.Get(async () =>
        {
            var closedInGrants = ((await mesh.SqlAsync("grantsdb", "SELECT string_agg(id::text, ',') FROM cycles WHERE voting_closed_at IS NOT NULL")) as string ?? "").Split(',');
            var openInVoting = ((await mesh.SqlAsync("votingdb", "SELECT string_agg(cycle_id::text, ',') FROM ballot_cycles WHERE closed_at IS NULL")) as string ?? "").Split(',');
            return closedInGrants.Intersect(openInVoting).Where(id => id.Length > 0).ToList();
        }, inFlight => inFlight.Count == 0, "Voting to close the cycles whose vote Grants closed", seconds: 90);
        // Two equal readings further apart than the longest redelivery delay (TestSystem.RedeliverySeconds):
        // an earlier test's event waiting to be delivered again would land between them.
        var last = await DigestAsync();
        return await Eventually.Get(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(17));
            return (last, last = await DigestAsync());
        }, d => d.Item1 == d.Item2, "the databases to settle", seconds: 120).ContinueWith(t => t.Result.Item2);
    }

    /// <summary>Every row of every table of the four databases, as one digest.</summary>
    private async Task<string> DigestAsync()
    {
        var parts = new List<string>();
        foreach (var database in Databases)
        {
            await using var connection = new NpgsqlConnection(await mesh.ConnectionStringAsync($"{database}db"));
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", connection))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }
            foreach (var table in tables)
            {
                await using var digest = new NpgsqlCommand($"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{table}\" t", connection);
                parts.Add($"{database}.{table}:{await digest.ExecuteScalarAsync()}");
            }
        }
        return string.Join("\n", parts);
    }
}
