namespace ConductorMesh.Contracts;

/// <summary>An award was paid; <see cref="PaymentReference"/> identifies the payment.</summary>
public sealed record GrantDisbursed(Guid AwardId, Guid ProgramId, Guid CycleId, Guid IdeaId, long AmountMinor, string Currency, string PaymentReference)
    : IntegrationEvent;

/// <summary>An award will not be paid; its <see cref="AmountMinor"/> went back to the program's budget.</summary>
public sealed record GrantForfeited(Guid AwardId, Guid ProgramId, Guid CycleId, Guid IdeaId, long AmountMinor, string Currency, string Reason)
    : IntegrationEvent;
