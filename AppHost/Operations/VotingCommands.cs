using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.AppHost.Operations;

public static class VotingCommands
{
    /// <summary>
    /// "Rebuild leaderboards" in Voting's menu: every cycle's boards rebuilt in Redis from the
    /// durable vote log, as an operator (RebuildLeaderboards).
    /// </summary>
    public static IResourceBuilder<ServiceResource> WithRebuildLeaderboardsCommand(
        this IResourceBuilder<ServiceResource> voting, LocalState state) =>
        voting.WithCommand("rebuild-leaderboards", "Rebuild leaderboards", async context =>
        {
            var token = new SelfIssuedToken(state.Issuer, MeshClaims.Roles.Operator, "dashboard");
            using var channel = OperatorChannel.To(voting, token);
            try
            {
                var rebuilt = await new VotingApi.VotingApiClient(channel).RebuildLeaderboardsAsync(
                    new RebuildLeaderboardsRequest(), cancellationToken: context.CancellationToken);
                return CommandResults.Success();
            }
            catch (RpcException e)
            {
                return CommandResults.Failure($"Voting refused the rebuild: {e.Status.StatusCode}: {e.Status.Detail}");
            }
        }, new CommandOptions
        {
            Description = "Rebuilds every cycle's live leaderboards in Redis from the durable vote log.",
            IconName = "ArrowSync",
            UpdateState = c => c.ResourceSnapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });
}
