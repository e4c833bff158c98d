using ConductorMesh.Community.Domain;
using ConductorMesh.Contracts;
using Npgsql;

namespace ConductorMesh.Community.Events;

public sealed class IdeaApprovedConsumer(NpgsqlDataSource dataSource) : ActivityConsumer<IdeaApproved>(dataSource)
{
    protected override (Guid, Guid, string, string) Describe(IdeaApproved m) =>
        (m.IdeaId, m.CycleId, ActivityKinds.IdeaApproved, "Approved: the idea is in the vote");
}
