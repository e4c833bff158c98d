using ConductorMesh.Community.Domain;
using ConductorMesh.Contracts;
using Npgsql;

namespace ConductorMesh.Community.Events;

public sealed class IdeaMilestoneReachedConsumer(NpgsqlDataSource dataSource) : ActivityConsumer<IdeaMilestoneReached>(dataSource)
{
    protected override (Guid, Guid, string, string) Describe(IdeaMilestoneReached m) =>
        (m.IdeaId, m.CycleId, ActivityKinds.VoteMilestone, $"Reached {m.Milestone:N0} votes");
}
