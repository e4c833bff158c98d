namespace ConductorMesh.Community.Domain;

/// <summary>Community settings (section "Community").</summary>
public sealed class CommunityRules
{
    /// <summary>A comment reported by this many different members is hidden pending review.</summary>
    public int HideAfterReports { get; set; } = 3;
}
