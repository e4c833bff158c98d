namespace ConductorMesh.Ideas.Data;

/// <summary>An idea as stored. Properties, not a positional record, because Dapper matches constructors only on exact column types and text[] reads as Array.</summary>
public sealed record IdeaRow
{
    public Guid Id { get; init; }
    public Guid CycleId { get; init; }
    public Guid ProgramId { get; init; }
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public string Category { get; init; } = "";
    public string Tier { get; init; } = "";
    public string AuthorMemberId { get; init; } = "";
    public string Status { get; init; } = "";
    public string StatusReason { get; init; } = "";
    public string Location { get; init; } = "";
    public string[] Links { get; init; } = [];
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? SubmittedAt { get; init; }
}

public sealed record IdeaChangeRow(string Status, string Action, string Actor, string Note, DateTime At);

/// <summary>What Ideas needs to know of the cycle an idea enters: Grants is the source.</summary>
/// <param name="NextCycleOpensAt">Null when the program has no next cycle scheduled.</param>
public sealed record CycleTerms(Guid CycleId, Guid ProgramId, int SubmissionCap, DateTime? NextCycleOpensAt);

/// <summary>A validated submission.</summary>
public sealed record NewIdea(
    CycleTerms Cycle, string Title, string Description, string Location, string[] Links, string Category, string Tier,
    string AuthorMemberId, string? IdempotencyKey, bool Draft, bool QueueIfFull);

/// <summary>A validated edit: null leaves a field as it is.</summary>
public sealed record IdeaEdit(string? Title, string? Description, string? Location, string[]? Links)
{
    public IReadOnlyList<string> Changed =>
        new[] { ("title", Title is not null), ("description", Description is not null), ("location", Location is not null), ("links", Links is not null) }
            .Where(f => f.Item2).Select(f => f.Item1).ToList();
}

/// <summary>Filters of a listing; null means any.</summary>
/// <summary>Which ideas to list; <see cref="Drafts"/> only when the caller may act for the author named.</summary>
public sealed record IdeaFilter(Guid? CycleId, Guid? ProgramId, string? Category, string? Tier, string? AuthorMemberId, string? Status, bool Drafts = false);
