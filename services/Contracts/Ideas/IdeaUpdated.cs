namespace ConductorMesh.Contracts;

/// <summary>
/// The author changed a submitted idea. <see cref="Changed"/> names the fields that changed
/// (title, description, location, links); the payload carries the idea's new public text.
/// </summary>
public sealed record IdeaUpdated(
    Guid IdeaId, Guid CycleId, string Title, string Description, string Location, IReadOnlyList<string> Links, IReadOnlyList<string> Changed)
    : IntegrationEvent;
