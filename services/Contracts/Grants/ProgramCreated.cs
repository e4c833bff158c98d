namespace ConductorMesh.Contracts;

/// <summary>A grant program was created with its total budget (minor units).</summary>
public sealed record ProgramCreated(Guid ProgramId, string Name, string Currency, long BudgetMinor) : IntegrationEvent;
