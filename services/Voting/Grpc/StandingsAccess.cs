using ConductorMesh.Voting.Data;
using Grpc.Core;

namespace ConductorMesh.Voting.Grpc;

/// <summary>
/// A program may hide standings until a cycle's vote closes: then the public is refused and
/// operators (the operator role of an authenticated caller) still see them.
/// </summary>
public sealed class StandingsAccess(BallotDirectory directory)
{
    public const string OperatorRole = "operator";

    public async Task EnsureVisibleAsync(Guid cycleId, ServerCallContext context)
    {
        var (rules, closedAt) = await directory.CycleAsync(cycleId, context.CancellationToken);
        if (rules.HideStandings && closedAt is null && !context.GetHttpContext().User.IsInRole(OperatorRole))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"Program {rules.ProgramId} hides its standings until the vote of cycle {cycleId} closes; only operators see them before."));
        }
    }
}
