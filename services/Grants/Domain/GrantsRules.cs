namespace ConductorMesh.Grants.Domain;

/// <summary>Grants settings (section "Grants").</summary>
public sealed class GrantsRules
{
    /// <summary>How often the scheduler looks for cycle steps that are due.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(1);
}
