using ConductorMesh.Community.Domain;
using ConductorMesh.Contracts;
using Npgsql;

namespace ConductorMesh.Community.Events;

public sealed class GrantAwardedConsumer(NpgsqlDataSource dataSource) : ActivityConsumer<GrantAwarded>(dataSource)
{
    protected override (Guid, Guid, string, string) Describe(GrantAwarded m) =>
        (m.IdeaId, m.CycleId, ActivityKinds.GrantAwarded,
            $"Won a {m.Tier} grant of {Money.Format(m.AmountMinor, m.Currency)} with {m.Votes} votes (rank {m.Rank})");
}
