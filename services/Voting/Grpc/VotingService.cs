using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Voting.Data;
using ConductorMesh.Voting.Domain;
using ConductorMesh.Voting.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ConductorMesh.Voting.Grpc;

public sealed class VotingService(BallotStore ballot, VoteStore votes, Leaderboards leaderboards, IdeasApi.IdeasApiClient ideas)
    : VotingApi.VotingApiBase
{
    public override async Task<CastVoteResponse> CastVote(CastVoteRequest request, ServerCallContext context)
    {
        var voter = Check.Text(request.VoterId, "voter_id", 64);
        var ideaId = Check.Id(request.IdeaId, "idea_id");
        var channel = Check.Defined(request.Channel, "channel");
        var key = Check.OptionalText(request.IdempotencyKey, "idempotency_key", 64);

        var idea = await BallotIdeaAsync(ideaId, context);
        var result = await votes.CastAsync(new NewVote(voter, idea, channel.ToString(), key.Length == 0 ? null : key), context.CancellationToken);
        if (!result.Replayed)
        {
            await leaderboards.CountAsync(idea);
        }
        return new CastVoteResponse
        {
            VoteId = result.Vote.Id.ToString(),
            IdeaId = ideaId.ToString(),
            VotesLeftToday = result.VotesLeft,
            AllowanceResetsAt = Timestamp.FromDateTime(VotingRules.ResetsAt(DateTime.UtcNow)),
            CastAt = Timestamp.FromDateTime(result.Vote.CastAt),
        };
    }

    public override async Task<Leaderboard> GetLeaderboard(GetLeaderboardRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var tier = Check.OptionalText(request.Tier, "tier", 20).ToLowerInvariant();
        var category = request.Category == Category.Unspecified ? null : Check.Defined(request.Category, "category").ToString();
        var top = request.Top switch
        {
            0 => 10,
            < 0 or > 100 => throw Check.Invalid("top", "must be between 1 and 100 (0 for 10)"),
            var n => n,
        };
        if (tier.Length > 0 && category is not null)
        {
            throw Check.Invalid("category", "give a tier or a category, not both");
        }
        var entries = await leaderboards.TopAsync(Leaderboards.Key(cycleId, tier.Length == 0 ? null : tier, category), top);
        var board = new Leaderboard { CycleId = cycleId.ToString() };
        board.Entries.AddRange(entries.Select((e, i) => new LeaderboardEntry { IdeaId = e.IdeaId.ToString(), Votes = e.Votes, Rank = i + 1 }));
        return board;
    }

    public override async Task<FinalTallies> FinalizeCycle(FinalizeCycleRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var (closedAt, tallies) = await votes.FinalizeAsync(cycleId, context.CancellationToken);
        var final = new FinalTallies { CycleId = cycleId.ToString(), ClosedAt = Timestamp.FromDateTime(closedAt) };
        final.Tallies.AddRange(tallies.Select(t => new IdeaTally
        {
            IdeaId = t.IdeaId.ToString(),
            Tier = t.Tier,
            Category = System.Enum.Parse<Category>(t.Category),
            Votes = t.Votes,
            LastVoteAt = Timestamp.FromDateTime(t.LastVoteAt),
        }));
        return final;
    }

    /// <summary>The idea as the vote knows it; asked of Ideas when its approval has not yet arrived on the bus.</summary>
    private async Task<BallotIdea> BallotIdeaAsync(Guid ideaId, ServerCallContext context)
    {
        if (await ballot.FindAsync(ideaId, context.CancellationToken) is { } known)
        {
            return known;
        }
        Idea idea;
        try
        {
            idea = await ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = ideaId.ToString() },
                deadline: context.Deadline, cancellationToken: context.CancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            throw Check.NotFound($"No idea has id {ideaId}.");
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Ideas could not confirm idea {ideaId} ({e.Status.Detail}); no vote was cast, try again."));
        }
        if (idea.Status != IdeaStatus.Approved)
        {
            throw Check.Precondition($"Idea {ideaId} is not in the vote (its status is {idea.Status}).");
        }
        var entry = new BallotIdea(ideaId, Guid.Parse(idea.CycleId), idea.Tier, idea.Category.ToString());
        await ballot.AddAsync(entry, context.CancellationToken);
        return entry;
    }
}
