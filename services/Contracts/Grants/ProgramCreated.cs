namespace ConductorMesh.Contracts;

/// <summary>
/// A grant program was created with its total budget (minor units) and its voting rules: the
/// IANA time zone its voting days follow, each voter's daily allowance, and whether standings are
/// hidden from the public until a vote closes.
/// </summary>
public sealed record ProgramCreated(
    Guid ProgramId, string Name, string Currency, long BudgetMinor, string TimeZone, int DailyVoteAllowance, bool HideStandings)
    : IntegrationEvent;
