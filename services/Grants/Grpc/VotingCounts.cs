using ConductorMesh.Grants.Domain;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.Grants.Grpc;

/// <summary>When Voting closed a cycle's vote, the final counts it closed with, and the seal of the votes they count.</summary>
public sealed record FinalCount(DateTime ClosedAt, IReadOnlyList<Tally> Tallies, CycleSeal Seal);

/// <summary>
/// Asks Voting to close a cycle's vote and give its final counts, from PostgreSQL. Voting
/// answers the same counts however often it is asked, so a retried close is safe.
/// </summary>
public sealed class VotingCounts(VotingApi.VotingApiClient voting, ILogger<VotingCounts> logger)
{
    public async Task<FinalCount> FinalAsync(Guid cycleId, CancellationToken ct)
    {
        try
        {
            var final = await voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycleId.ToString() }, cancellationToken: ct);
            // Results are never published without the root of the votes they count.
            if (final.Seal is not { Root.Length: > 0 } seal)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "Voting closed the vote but gave no seal of it"));
            }
            return new FinalCount(final.ClosedAt.ToDateTime(),
                final.Tallies.Select(t => new Tally(Guid.Parse(t.IdeaId), t.Tier, t.Votes, t.LastVoteAt.ToDateTime(), t.Withdrawn)).ToList(), seal);
        }
        catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled)
        {
            logger.LogWarning(e, "Voting did not give final tallies for cycle {CycleId}", cycleId);
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"Voting could not close the vote of cycle {cycleId} and give its final tallies ({e.Status.Detail}); nothing changed. Try again."));
        }
    }
}
