using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.Ideas.V1;
using Google.Protobuf.WellKnownTypes;

namespace ConductorMesh.Ideas.Grpc;

/// <summary>Database rows as API messages; categories are stored by their enum name.</summary>
public static class Mapping
{
    private static readonly Dictionary<string, IdeaStatus> Statuses = new()
    {
        [IdeaState.Draft] = IdeaStatus.Draft,
        [IdeaState.Queued] = IdeaStatus.Queued,
        [IdeaState.Submitted] = IdeaStatus.Submitted,
        [IdeaState.Approved] = IdeaStatus.Approved,
        [IdeaState.Rejected] = IdeaStatus.Rejected,
        [IdeaState.Withdrawn] = IdeaStatus.Withdrawn,
        [IdeaState.Funded] = IdeaStatus.Funded,
        [IdeaState.NotFunded] = IdeaStatus.NotFunded,
    };

    public static Idea ToProto(this IdeaRow i)
    {
        var idea = new Idea
        {
            Id = i.Id.ToString(),
            CycleId = i.CycleId.ToString(),
            ProgramId = i.ProgramId.ToString(),
            Title = i.Title,
            Description = i.Description,
            Category = System.Enum.Parse<Category>(i.Category),
            Tier = i.Tier,
            AuthorMemberId = i.AuthorMemberId,
            Status = i.Status.ToProtoStatus(),
            StatusReason = i.StatusReason,
            Location = i.Location,
            CreatedAt = Timestamp.FromDateTime(i.CreatedAt),
            UpdatedAt = Timestamp.FromDateTime(i.UpdatedAt),
        };
        idea.Links.AddRange(i.Links);
        return idea;
    }

    public static IdeaChange ToProto(this IdeaChangeRow c) => new()
    {
        Status = c.Status.ToProtoStatus(),
        Action = c.Action,
        Actor = c.Actor,
        Note = c.Note,
        At = Timestamp.FromDateTime(c.At),
    };

    public static IdeaStatus ToProtoStatus(this string stored) => Statuses.GetValueOrDefault(stored);

    public static string ToStored(this IdeaStatus status) => Statuses.Single(s => s.Value == status).Key;
}
