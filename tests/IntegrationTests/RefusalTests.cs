using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests;

/// <summary>Bad requests get the right status and a message that names what to fix, and change nothing.</summary>
[Collection(MeshCollection.Name)]
public sealed class RefusalTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task Submissions_are_checked_field_by_field_and_against_the_cycle()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, new Tier { Name = "5k", AmountMinor = 5_000_00, Slots = 1 });

        await Refused.With(() => scenario.SubmitAsync(cycle, "", "5k", "author-1"), StatusCode.InvalidArgument, "title");
        await Refused.With(() => scenario.SubmitAsync(cycle, "Trees", "5k", "author-1", Category.Unspecified), StatusCode.InvalidArgument, "category");
        await Refused.With(() => scenario.SubmitAsync(cycle, "Trees", "1m", "author-1"), StatusCode.FailedPrecondition, "no tier '1m'");
        await Refused.With(() => mesh.Ideas.SubmitIdeaAsync(new SubmitIdeaRequest
        {
            CycleId = Guid.NewGuid().ToString(), Title = "Trees", Description = "d", Category = Category.Health, Tier = "5k", AuthorMemberId = "a",
        }, mesh.AsMember("a")).ResponseAsync, StatusCode.NotFound, "cycle");

        var list = await mesh.Ideas.ListIdeasAsync(new ListIdeasRequest { CycleId = cycle.Id });
        Assert.Empty(list.Ideas);
    }

    [Fact]
    public async Task The_same_idempotency_key_answers_the_first_idea()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, new Tier { Name = "5k", AmountMinor = 5_000_00, Slots = 1 });
        var request = new SubmitIdeaRequest
        {
            CycleId = cycle.Id, Title = "Rain garden", Description = "d", Category = Category.ThePlanet, Tier = "5k", AuthorMemberId = "author-k", IdempotencyKey = "k-1",
        };

        var first = await mesh.Ideas.SubmitIdeaAsync(request, mesh.AsMember(request.AuthorMemberId));
        var again = await mesh.Ideas.SubmitIdeaAsync(request, mesh.AsMember(request.AuthorMemberId));

        Assert.Equal(first.Id, again.Id);
        Assert.Single((await mesh.Ideas.ListIdeasAsync(new ListIdeasRequest { CycleId = cycle.Id })).Ideas);
    }

    [Fact]
    public async Task Illegal_moves_name_the_current_status_and_votes_need_an_approved_idea()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, new Tier { Name = "5k", AmountMinor = 5_000_00, Slots = 1 });
        var waiting = await scenario.SubmitAsync(cycle, "Skate park", "5k", "author-s");
        await Refused.With(() => mesh.Voting.CastVoteAsync(new CastVoteRequest { VoterId = "v", IdeaId = waiting.Id, Channel = VoteChannel.Web }, mesh.AsMember("v")).ResponseAsync,
            StatusCode.FailedPrecondition, "not in the vote");

        var approved = await mesh.Ideas.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = waiting.Id, ModeratorId = "mod" });
        await Refused.With(() => mesh.Ideas.RejectIdeaAsync(new RejectIdeaRequest { IdeaId = approved.Id, ModeratorId = "mod", Reason = "late" }).ResponseAsync,
            StatusCode.FailedPrecondition, "is approved");
    }

    [Fact]
    public async Task One_vote_per_idea_per_day_and_a_retry_with_the_same_key_is_not_a_second_vote()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, new Tier { Name = "5k", AmountMinor = 5_000_00, Slots = 1 });
        var idea = await scenario.ApprovedAsync(cycle, "Library garden", "5k", "author-l");
        var vote = new CastVoteRequest { VoterId = "voter-once", IdeaId = idea.Id, Channel = VoteChannel.Partner, IdempotencyKey = "sms-77" };

        var first = await mesh.Voting.CastVoteAsync(vote, mesh.AsMember(vote.VoterId));
        var retried = await mesh.Voting.CastVoteAsync(vote, mesh.AsMember(vote.VoterId));
        Assert.Equal((first.VoteId, 9), (retried.VoteId, retried.VotesLeftToday));

        vote.IdempotencyKey = "";
        await Refused.With(() => mesh.Voting.CastVoteAsync(vote, mesh.AsMember(vote.VoterId)).ResponseAsync, StatusCode.AlreadyExists, "already voted");
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (idea.Id, 1));
    }

    [Fact]
    public async Task A_key_reused_for_another_vote_is_refused_and_keys_belong_to_their_voter()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var first = await scenario.ApprovedAsync(cycle, "Bee hotel", "5k", "author-key1");
        var second = await scenario.ApprovedAsync(cycle, "Bird boxes", "5k", "author-key2");
        var vote = new CastVoteRequest { VoterId = "voter-key", IdeaId = first.Id, Channel = VoteChannel.Sms, IdempotencyKey = "sms-1" };
        await mesh.Voting.CastVoteAsync(vote, mesh.AsMember(vote.VoterId));

        var otherIdea = vote.Clone();
        otherIdea.IdeaId = second.Id;
        await Refused.With(() => mesh.Voting.CastVoteAsync(otherIdea, mesh.AsMember(vote.VoterId)).ResponseAsync,
            StatusCode.InvalidArgument, $"idempotency_key: 'sms-1' was already used by voter voter-key for a vote for idea {first.Id} (VOTE_CHANNEL_SMS)");
        var otherChannel = vote.Clone();
        otherChannel.Channel = VoteChannel.Web;
        await Refused.With(() => mesh.Voting.CastVoteAsync(otherChannel, mesh.AsMember(vote.VoterId)).ResponseAsync,
            StatusCode.InvalidArgument, "idempotency_key");
        // Another voter's key of the same name is another request.
        var neighbour = vote.Clone();
        neighbour.VoterId = "voter-key-neighbour";
        var theirs = await mesh.Voting.CastVoteAsync(neighbour, mesh.AsMember(neighbour.VoterId));
        Assert.Equal(first.Id, theirs.IdeaId);
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (first.Id, 2));
    }

    [Fact]
    public async Task Unknown_ids_are_not_found_and_malformed_ids_are_invalid()
    {
        await Refused.With(() => mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = Guid.NewGuid().ToString() }).ResponseAsync, StatusCode.NotFound, "No program");
        await Refused.With(() => mesh.Ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = "idea-1" }).ResponseAsync, StatusCode.InvalidArgument, "idea_id");
        await Refused.With(() => mesh.Voting.CastVoteAsync(new CastVoteRequest { VoterId = "v", IdeaId = Guid.NewGuid().ToString(), Channel = VoteChannel.Web }, mesh.AsMember("v")).ResponseAsync,
            StatusCode.NotFound, "No idea");
    }
}
