using ConductorMesh.Community.Data;
using ConductorMesh.Community.Domain;
using ConductorMesh.Contracts;
using Npgsql;

namespace ConductorMesh.Community.Events;

public sealed class IdeaSubmittedConsumer(NpgsqlDataSource dataSource) : ActivityConsumer<IdeaSubmitted>(dataSource)
{
    protected override Task BeforeAsync(IdeaSubmitted message, NpgsqlTransaction transaction) =>
        IdeaDirectory.LearnAsync(transaction, new KnownIdea(message.IdeaId, message.CycleId, message.AuthorMemberId, message.Title));

    protected override (Guid, Guid, string, string) Describe(IdeaSubmitted m) =>
        (m.IdeaId, m.CycleId, ActivityKinds.IdeaSubmitted, $"Submitted \"{m.Title}\" for a {m.Tier} grant");
}
