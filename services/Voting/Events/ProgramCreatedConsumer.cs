using ConductorMesh.Contracts;
using ConductorMesh.Voting.Data;
using MassTransit;
using Npgsql;

namespace ConductorMesh.Voting.Events;

/// <summary>Learns a program's voting rules (time zone, allowance, hidden standings) as soon as it exists.</summary>
public sealed class ProgramCreatedConsumer(NpgsqlDataSource dataSource) : IConsumer<ProgramCreated>
{
    public async Task Consume(ConsumeContext<ProgramCreated> context)
    {
        var m = context.Message;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await BallotDirectory.SaveProgramAsync(connection, null, new ProgramRules(m.ProgramId, m.TimeZone, m.DailyVoteAllowance, m.HideStandings));
    }
}
