using System.Collections.Concurrent;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.Data;
using Grpc.Core;

namespace ConductorMesh.Voting.Grpc;

/// <summary>
/// A program may hide standings until a cycle's vote closes: then the public is refused and
/// operators (the operator role of an authenticated caller) still see them. Whether a cycle is
/// hidden is remembered for a second, so reads stay off the database; a closed vote shows its
/// standings within that second.
/// </summary>
public sealed class StandingsAccess(BallotDirectory directory)
{
    private static readonly TimeSpan Remember = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Guid, (bool Hidden, bool Closed, Guid ProgramId, DateTime Until)> hidden = new();

    /// <summary>The cycle's vote closed here: its standings show at once on this replica.</summary>
    public void Forget(Guid cycleId) => hidden.TryRemove(cycleId, out _);

    /// <summary>Refuses a caller who may not see the cycle's standings yet; answers whether its vote has closed (as of up to a second ago).</summary>
    public async Task<bool> EnsureVisibleAsync(Guid cycleId, ServerCallContext context)
    {
        if (!hidden.TryGetValue(cycleId, out var known) || known.Until < DateTime.UtcNow)
        {
            var (rules, closedAt) = await directory.CycleAsync(cycleId, context.CancellationToken);
            known = (rules.HideStandings && closedAt is null, closedAt is not null, rules.ProgramId, DateTime.UtcNow + Remember);
            hidden[cycleId] = known;
        }
        if (known.Hidden && MeshCaller.Of(context).Role != MeshClaims.Roles.Operator)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"Program {known.ProgramId} hides its standings until the vote of cycle {cycleId} closes; only operators see them before."));
        }
        return known.Closed;
    }
}
