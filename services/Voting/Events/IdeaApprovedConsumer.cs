using ConductorMesh.Contracts;
using ConductorMesh.Voting.Data;
using MassTransit;

namespace ConductorMesh.Voting.Events;

/// <summary>An approved idea joins the vote of its cycle. Adding it twice changes nothing, so a redelivery is harmless.</summary>
public sealed class IdeaApprovedConsumer(BallotDirectory directory) : IConsumer<IdeaApproved>
{
    public Task Consume(ConsumeContext<IdeaApproved> context) =>
        directory.AddIdeaAsync(context.Message.IdeaId, context.Message.CycleId, context.Message.Tier, context.Message.Category, context.CancellationToken);
}
