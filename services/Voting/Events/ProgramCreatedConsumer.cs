using ConductorMesh.Contracts;
using ConductorMesh.Voting.Data;
using MassTransit;

namespace ConductorMesh.Voting.Events;

/// <summary>Learns a program's voting rules (time zone, allowance, hidden standings) as soon as it exists; learning them twice changes nothing.</summary>
public sealed class ProgramCreatedConsumer(BallotDirectory directory) : IConsumer<ProgramCreated>
{
    public Task Consume(ConsumeContext<ProgramCreated> context)
    {
        var m = context.Message;
        return directory.LearnProgramAsync(new ProgramRules(m.ProgramId, m.TimeZone, m.DailyVoteAllowance, m.HideStandings), context.CancellationToken);
    }
}
