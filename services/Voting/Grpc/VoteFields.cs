using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Voting.Data;
using ConductorMesh.Voting.Domain;
using ConductorMesh.Voting.V1;

namespace ConductorMesh.Voting.Grpc;

/// <summary>The checks of a vote's fields, alike for CastVote and each vote of CastVotes.</summary>
public static class VoteFields
{
    public static NewVote Checked(CastVoteRequest request)
    {
        var voter = Check.Text(request.VoterId, "voter_id", 64);
        var ideaId = Check.Id(request.IdeaId, "idea_id");
        var channel = Check.Defined(request.Channel, "channel");
        var key = Check.OptionalText(request.IdempotencyKey, "idempotency_key", 64);
        return new NewVote(voter, ideaId, channel.ToString(), key.Length == 0 ? null : key);
    }
}

/// <summary>A checked leaderboard request: which board (all, one tier or one category), and which page of it.</summary>
public sealed record BoardFields(Guid CycleId, string? Tier, string? Category, int Offset, int Size)
{
    public static BoardFields Checked(GetLeaderboardRequest request)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var tier = Check.OptionalText(request.Tier, "tier", 20).ToLowerInvariant();
        var category = Check.OptionalDefined(request.Category, "category")?.ToString();
        var size = request.Top switch
        {
            0 => 10,
            < 0 or > 100 => throw Check.Invalid("top", "must be between 1 and 100 (0 for 10)"),
            var n => n,
        };
        if (tier.Length > 0 && category is not null)
        {
            throw Check.Invalid("category", "give a tier or a category, not both");
        }
        return new BoardFields(cycleId, tier.Length == 0 ? null : tier, category, PageToken.DecodeOffset(request.PageToken), size);
    }

    /// <summary>The board's live sorted set in Redis.</summary>
    public string Key => Leaderboards.Key(CycleId, Tier, Category);
}
