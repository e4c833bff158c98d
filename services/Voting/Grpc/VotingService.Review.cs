using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Voting.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ConductorMesh.Voting.Grpc;

/// <summary>Operators' review of the votes held by the velocity threshold.</summary>
public sealed partial class VotingService
{
    public const int MaxReviewedAtOnce = 1_000;

    public override async Task<ListHeldVotesResponse> ListHeldVotes(ListHeldVotesRequest request, ServerCallContext context)
    {
        var cycleId = Check.OptionalId(request.CycleId, "cycle_id");
        var size = Check.PageSize(request.PageSize, fallback: 100, max: 500);
        var rows = await held.ListAsync(cycleId, PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        var response = new ListHeldVotesResponse();
        response.NextPageToken = Paging.Fill(rows, size, v => (v.CastAt, v.Id), response.Votes, v => new HeldVote
        {
            VoteId = v.Id.ToString(), VoterId = v.VoterId, IdeaId = v.IdeaId.ToString(), CycleId = v.CycleId.ToString(),
            Channel = System.Enum.Parse<VoteChannel>(v.Channel), CastAt = Timestamp.FromDateTime(v.CastAt),
        });
        return response;
    }

    public override async Task<ReviewHeldVotesResponse> ReviewHeldVotes(ReviewHeldVotesRequest request, ServerCallContext context)
    {
        if (request.VoteIds.Count is 0 or > MaxReviewedAtOnce)
        {
            throw Check.Invalid("vote_ids", $"name 1 to {MaxReviewedAtOnce:N0} votes");
        }
        var ids = request.VoteIds.Select((id, i) => Check.Id(id, $"vote_ids[{i}]")).Distinct().ToArray();
        var decision = Check.Defined(request.Decision, "decision");
        var reason = Check.OptionalText(request.Reason, "reason", 500);
        var reviewer = MeshCaller.Of(context).Member ?? "operator";
        var unchanged = await held.ReviewAsync(ids, decision == VoteReview.Accept, reviewer, reason, context.CancellationToken);
        var response = new ReviewHeldVotesResponse { Reviewed = ids.Length - unchanged.Count };
        response.UnchangedVoteIds.AddRange(unchanged.Select(id => id.ToString()));
        return response;
    }
}
