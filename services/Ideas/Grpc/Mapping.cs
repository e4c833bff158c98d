using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.Ideas.V1;
using Google.Protobuf.WellKnownTypes;

namespace ConductorMesh.Ideas.Grpc;

/// <summary>Database rows as API messages; categories are stored by their enum name.</summary>
public static class Mapping
{
    public static Idea ToProto(this IdeaRow i) => new()
    {
        Id = i.Id.ToString(),
        CycleId = i.CycleId.ToString(),
        ProgramId = i.ProgramId.ToString(),
        Title = i.Title,
        Description = i.Description,
        Category = System.Enum.Parse<Category>(i.Category),
        Tier = i.Tier,
        AuthorMemberId = i.AuthorMemberId,
        Status = i.Status switch
        {
            IdeaState.Submitted => IdeaStatus.Submitted,
            IdeaState.Approved => IdeaStatus.Approved,
            IdeaState.Rejected => IdeaStatus.Rejected,
            IdeaState.Funded => IdeaStatus.Funded,
            IdeaState.NotFunded => IdeaStatus.NotFunded,
            _ => IdeaStatus.Unspecified,
        },
        RejectionReason = i.RejectionReason,
        CreatedAt = Timestamp.FromDateTime(i.CreatedAt),
        UpdatedAt = Timestamp.FromDateTime(i.UpdatedAt),
    };

    public static string ToStored(this IdeaStatus status) => status switch
    {
        IdeaStatus.Submitted => IdeaState.Submitted,
        IdeaStatus.Approved => IdeaState.Approved,
        IdeaStatus.Rejected => IdeaState.Rejected,
        IdeaStatus.Funded => IdeaState.Funded,
        IdeaStatus.NotFunded => IdeaState.NotFunded,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
