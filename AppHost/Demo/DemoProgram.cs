using ConductorMesh.AppHost.Operations;
using ConductorMesh.Community.V1;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;

namespace ConductorMesh.AppHost.Demo;

/// <summary>
/// A small program to explore on first start: one open cycle with the default tiers, two ideas
/// in every category (one of them still waiting for moderation) and some votes.
/// </summary>
public static class DemoProgram
{
    /// <summary>The partner the demo's members belong to: the program's own site.</summary>
    public const string DemoPartner = "refresh-site";

    private static readonly (string Title, Category Category, string Tier)[] Ideas =
    [
        ("Free dental checkups at the Eastside clinic", Category.Health, "25k"),
        ("Defibrillators for every youth sports field", Category.Health, "5k"),
        ("Murals by teenagers on the old rail bridge", Category.ArtsAndCulture, "5k"),
        ("A touring puppet theatre for rural libraries", Category.ArtsAndCulture, "50k"),
        ("Winter beds at the downtown shelter", Category.FoodAndShelter, "250k"),
        ("A community fridge on Main Street", Category.FoodAndShelter, "5k"),
        ("Planting 2,000 trees along the river", Category.ThePlanet, "50k"),
        ("Solar panels for the food bank", Category.ThePlanet, "25k"),
        ("Lighting the path through Miller Park", Category.Neighborhoods, "25k"),
        ("A tool library for the north end", Category.Neighborhoods, "5k"),
        ("After-school robotics for 200 kids", Category.Education, "50k"),
        ("Reading tutors in every elementary school", Category.Education, "250k"),
    ];

    /// <summary>Loads a new copy of the demo program, as the program's operator and its site; answers what it made.</summary>
    public static async Task<string> LoadAsync(DemoServices services, LocalState state, CancellationToken ct)
    {
        // An operator runs the program and moderates; the program's own site, a partner, acts for its members.
        var operatorToken = new SelfIssuedToken(state.Issuer, MeshClaims.Roles.Operator, "demo-operator");
        var siteToken = new SelfIssuedToken(state.Issuer, MeshClaims.Roles.Partner, partner: DemoPartner);
        using var grantsChannel = OperatorChannel.To(services.Grants, operatorToken);
        using var moderationChannel = OperatorChannel.To(services.Ideas, operatorToken);
        using var ideasChannel = OperatorChannel.To(services.Ideas, siteToken);
        using var votingChannel = OperatorChannel.To(services.Voting, siteToken);
        using var communityChannel = OperatorChannel.To(services.Community, siteToken);
        var grants = new GrantsApi.GrantsApiClient(grantsChannel);
        var moderation = new IdeasApi.IdeasApiClient(moderationChannel);
        var ideas = new IdeasApi.IdeasApiClient(ideasChannel);
        var voting = new VotingApi.VotingApiClient(votingChannel);
        var community = new CommunityApi.CommunityApiClient(communityChannel);

        // Four members of the community, who submit the ideas, and eight more who vote.
        var members = new List<Member>();
        foreach (var (handle, name) in new[] { ("maria", "Maria Lopez"), ("kwame", "Kwame Mensah"), ("lin", "Lin Chen"), ("sam", "Sam Okafor") })
        {
            members.Add(await community.RegisterMemberAsync(new RegisterMemberRequest { Handle = handle, DisplayName = name, Location = "Riverside" }, cancellationToken: ct));
        }
        var voters = new List<Member>();
        for (var v = 1; v <= 8; v++)
        {
            voters.Add(await community.RegisterMemberAsync(new RegisterMemberRequest { Handle = $"voter{v}", DisplayName = $"Voter {v}" }, cancellationToken: ct));
        }

        var program = await grants.CreateProgramAsync(new CreateProgramRequest { Name = "Community Refresh (demo)", Currency = "USD", BudgetMinor = 15_600_000_00, RunMonthly = true }, cancellationToken: ct);
        var cycle = await grants.OpenCycleAsync(new OpenCycleRequest { ProgramId = program.Id, Name = DateTime.UtcNow.ToString("yyyy-MM") }, cancellationToken: ct);
        var approved = new List<Idea>();
        foreach (var (idea, i) in Ideas.Select((idea, i) => (idea, i)))
        {
            var submitted = await ideas.SubmitIdeaAsync(new SubmitIdeaRequest
            {
                CycleId = cycle.Id,
                Title = idea.Title,
                Description = $"{idea.Title}: a demo idea of the {idea.Category} category.",
                Category = idea.Category,
                Tier = idea.Tier,
                AuthorMemberId = members[i % 4].Id,
                IdempotencyKey = $"demo-{i}",
            }, cancellationToken: ct);
            if (i != Ideas.Length - 1)
            {
                approved.Add(await moderation.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = submitted.Id, ModeratorId = "demo-moderator" }, cancellationToken: ct));
            }
        }
        // Voter n votes for the first n approved ideas, so earlier ideas lead.
        foreach (var (voter, n) in voters.Select((voter, i) => (voter, i + 1)))
        {
            foreach (var idea in approved.Take(n))
            {
                await voting.CastVoteAsync(new CastVoteRequest { VoterId = voter.Id, IdeaId = idea.Id, Channel = VoteChannel.Web }, cancellationToken: ct);
            }
        }
        // Members follow each other and ideas, talk about them, view and share them.
        await community.FollowAsync(new FollowRequest { FollowerId = members[0].Id, MemberId = members[1].Id }, cancellationToken: ct);
        await community.FollowAsync(new FollowRequest { FollowerId = members[2].Id, IdeaId = approved[0].Id }, cancellationToken: ct);
        var comment = await community.PostCommentAsync(new PostCommentRequest { IdeaId = approved[0].Id, AuthorId = members[2].Id, Body = "Our clinic could host this." }, cancellationToken: ct);
        await community.PostCommentAsync(new PostCommentRequest { IdeaId = approved[0].Id, AuthorId = members[0].Id, Body = "Count my family in.", ParentId = comment.Id }, cancellationToken: ct);
        await community.RecordShareAsync(new RecordShareRequest { IdeaId = approved[0].Id, MemberId = members[3].Id, Channel = ShareChannel.Social }, cancellationToken: ct);
        foreach (var idea in approved.Take(3))
        {
            await community.RecordViewAsync(new RecordViewRequest { IdeaId = idea.Id }, cancellationToken: ct);
        }
        var summary = $"""
            Demo program loaded: program_id {program.Id}, open cycle_id {cycle.Id}
              {approved.Count} ideas in the vote, 1 waiting for moderation, 36 votes cast;
              members @maria, @kwame, @lin and @sam (first member_id {members[0].Id}) and 8 voters, all of partner '{DemoPartner}'
              (./mesh token --role partner --partner {DemoPartner} acts for them; --role member --member <member_id> as one of them).
            """;
        return summary;
    }
}
