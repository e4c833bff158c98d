using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Grants;

/// <summary>A cycle's phases: on schedule, across a restart of Grants, and by operators; every step made once.</summary>
[Collection(MeshCollection.Name)]
public sealed class PhaseTests(MeshFixture mesh)
{
    private static readonly string[] AllSteps = [nameof(CycleOpened), nameof(VotingOpened), nameof(SubmissionsClosed), nameof(VotingClosed), nameof(CycleClosed)];

    private readonly Scenario scenario = new(mesh);

    private static Timestamp In(double seconds) => Timestamp.FromDateTime(DateTime.UtcNow.AddSeconds(seconds));

    /// <summary>Waits until the clock passes <paramref name="at"/>: the condition is the time itself.</summary>
    private static Task Until(Timestamp at) => Task.Delay(TimeSpan.FromTicks(Math.Max(0, (at.ToDateTime() - DateTime.UtcNow).Ticks)));

    private async Task<Cycle> OpenAsync(string name, Timestamp? votingOpensAt, Timestamp? submissionsCloseAt, Timestamp closesAt)
    {
        var program = await mesh.Grants.CreateProgramAsync(new CreateProgramRequest { Name = name, BudgetMinor = 1_000_000 });
        var request = new OpenCycleRequest { ProgramId = program.Id, Name = name, VotingOpensAt = votingOpensAt, SubmissionsCloseAt = submissionsCloseAt, ClosesAt = closesAt };
        request.Tiers.Add(Scenario.FiveK);
        return await mesh.Grants.OpenCycleAsync(request);
    }

    private Task<CastVoteResponse> VoteAsync(Idea idea, string voter) =>
        mesh.Voting.CastVoteAsync(new CastVoteRequest { VoterId = voter, IdeaId = idea.Id, Channel = VoteChannel.Web }, mesh.AsMember(voter)).ResponseAsync;

    [Fact]
    public async Task Phases_advance_on_schedule_each_step_published_once_in_order()
    {
        var cycle = await OpenAsync("Scheduled", In(4), In(6), In(8));
        Assert.Equal((CyclePhase.Submissions, true, false), (cycle.Phase, cycle.AcceptingSubmissions, cycle.AcceptingVotes));
        var idea = await scenario.ApprovedAsync(cycle, "Early idea", "5k", "author-early");
        await Refused.With(() => VoteAsync(idea, "too-early"), StatusCode.FailedPrecondition, "has not opened");

        await mesh.Bus.WaitFor<VotingOpened>(e => e.CycleId == Guid.Parse(cycle.Id), "the vote to open on schedule");
        Assert.Equal(CyclePhase.SubmissionsAndVoting, (await mesh.Grants.GetCycleAsync(new GetCycleRequest { CycleId = cycle.Id })).Phase);
        await VoteAsync(idea, "on-time");

        await mesh.Bus.WaitFor<SubmissionsClosed>(e => e.CycleId == Guid.Parse(cycle.Id), "submissions to close on schedule");
        Assert.Equal(CyclePhase.Voting, (await mesh.Grants.GetCycleAsync(new GetCycleRequest { CycleId = cycle.Id })).Phase);
        await Refused.With(() => scenario.SubmitAsync(Scenario.Submission(cycle, "Late idea", "5k", "author-late")),
            StatusCode.FailedPrecondition, "stopped taking submissions");

        var closed = await mesh.Bus.WaitFor<CycleClosed>(e => e.CycleId == Guid.Parse(cycle.Id), "the cycle to close on schedule");
        Assert.Equal([Guid.Parse(idea.Id)], closed.FundedIdeaIds);
        await Refused.With(() => VoteAsync(idea, "too-late"), StatusCode.FailedPrecondition, "closed");
        var results = await mesh.Grants.GetCycleResultsAsync(new GetCycleRequest { CycleId = cycle.Id });
        Assert.Equal(CyclePhase.Closed, results.Cycle.Phase);
        Assert.Equal((idea.Id, 1L), (results.Awards.Single().IdeaId, results.Awards.Single().Votes));
        Assert.Equal(AllSteps, mesh.Bus.StepsOfCycle(cycle.Id));
    }

    [Fact]
    public async Task Steps_missed_while_grants_was_down_are_made_once_when_it_is_back()
    {
        var cycle = await OpenAsync("Restarted", In(5), null, In(7));
        // The opening has left Grants' outbox before Grants stops: only the later steps are missed.
        await mesh.Bus.WaitFor<CycleOpened>(e => e.CycleId == Guid.Parse(cycle.Id), "the cycle's opening on the bus");

        await mesh.StopAsync("grants");
        try
        {
            await Until(cycle.ClosesAt);
            Assert.Equal([nameof(CycleOpened)], mesh.Bus.StepsOfCycle(cycle.Id));
        }
        finally
        {
            // Started again whatever happened, so the tests after this one find Grants running.
            await mesh.StartAsync("grants");
        }

        await mesh.Bus.WaitFor<CycleClosed>(e => e.CycleId == Guid.Parse(cycle.Id), "the missed close after the restart");
        Assert.Equal(AllSteps, mesh.Bus.StepsOfCycle(cycle.Id));

        // Restarted again, the scheduler finds nothing left to do for it: a later cycle's step
        // shows the scheduler has looked since.
        await mesh.StopAsync("grants");
        await mesh.StartAsync("grants");
        var later = await OpenAsync("After the restart", In(1), null, In(3600));
        await mesh.Bus.WaitFor<VotingOpened>(e => e.CycleId == Guid.Parse(later.Id), "a later cycle's vote to open");
        Assert.Equal(AllSteps, mesh.Bus.StepsOfCycle(cycle.Id));
    }

    [Fact]
    public async Task Operators_move_a_cycle_by_hand_and_no_step_is_made_twice()
    {
        var cycle = await OpenAsync("By hand", In(3600), null, In(7200));
        var step = new CycleStepRequest { CycleId = cycle.Id };
        var idea = await scenario.ApprovedAsync(cycle, "Hand-made", "5k", "author-hand");

        var change = new UpdateCycleRequest { CycleId = cycle.Id, Cycle = new OpenCycleRequest { Name = "Renamed", SubmissionCap = 5 }, UpdateMask = new FieldMask { Paths = { "name", "submission_cap" } } };
        var updated = await mesh.Grants.UpdateCycleAsync(change);
        Assert.Equal(("Renamed", 5, 1), (updated.Name, updated.SubmissionCap, updated.Tiers.Count));
        await Refused.With(() => mesh.Grants.UpdateCycleAsync(new UpdateCycleRequest { CycleId = cycle.Id, UpdateMask = new FieldMask { Paths = { "phase" } } }).ResponseAsync,
            StatusCode.InvalidArgument, "'phase' cannot be changed");
        await Refused.With(() => mesh.Grants.CloseVotingAsync(step).ResponseAsync, StatusCode.FailedPrecondition, "has not opened");

        var review = await mesh.Grants.CloseSubmissionsAsync(step);
        Assert.Equal(CyclePhase.Review, review.Phase);
        Assert.Equal(review.SubmissionsClosedAt, (await mesh.Grants.CloseSubmissionsAsync(step)).SubmissionsClosedAt);
        var voting = await mesh.Grants.OpenVotingAsync(step);
        Assert.Equal(CyclePhase.Voting, voting.Phase);
        Assert.Equal(voting.VotingOpenedAt, (await mesh.Grants.OpenVotingAsync(step)).VotingOpenedAt);
        await Refused.With(() => mesh.Grants.UpdateCycleAsync(change).ResponseAsync, StatusCode.FailedPrecondition, "can no longer change");

        await VoteAsync(idea, "first-voter"); // taken at once, though VotingOpened may still be on its way to Voting
        var counting = await mesh.Grants.CloseVotingAsync(step);
        Assert.Equal(CyclePhase.Counting, counting.Phase);
        await Refused.With(() => VoteAsync(idea, "after-close"), StatusCode.FailedPrecondition, "closed");
        await Refused.With(() => mesh.Grants.OpenVotingAsync(step).ResponseAsync, StatusCode.FailedPrecondition, "cannot open again");
        await Refused.With(() => mesh.Grants.GetCycleResultsAsync(new GetCycleRequest { CycleId = cycle.Id }).ResponseAsync, StatusCode.FailedPrecondition, "not closed yet");

        var results = await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });
        Assert.Equal((idea.Id, 1L), (results.Awards.Single().IdeaId, results.Awards.Single().Votes));
        await mesh.Bus.WaitFor<CycleClosed>(e => e.CycleId == Guid.Parse(cycle.Id), "CycleClosed");
        Assert.Equal([nameof(CycleOpened), nameof(SubmissionsClosed), nameof(VotingOpened), nameof(VotingClosed), nameof(CycleClosed)], mesh.Bus.StepsOfCycle(cycle.Id));
    }

    [Fact]
    public async Task Concurrent_closes_award_each_winner_once()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000, new Tier { Name = "only", AmountMinor = 300_00, Slots = 1 });
        var idea = await scenario.ApprovedAsync(cycle, "Raced", "only", "author-race");
        await scenario.VoteAsync(idea, 1);

        var closes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id }).ResponseAsync));

        Assert.All(closes, c => Assert.Equal(closes[0].Awards, c.Awards));
        Assert.Single(closes[0].Awards);
        Assert.Equal(300_00, (await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id })).AwardedMinor);
        await mesh.Bus.WaitFor<GrantAwarded>(e => e.CycleId == Guid.Parse(cycle.Id), "GrantAwarded");
        await mesh.Bus.WaitFor<CycleClosed>(e => e.CycleId == Guid.Parse(cycle.Id), "CycleClosed");
        Assert.Single(mesh.Bus.All.OfType<GrantAwarded>(), a => a.CycleId == Guid.Parse(cycle.Id));
        Assert.Single(mesh.Bus.All.OfType<CycleClosed>(), a => a.CycleId == Guid.Parse(cycle.Id));
    }

    [Fact]
    public async Task A_monthly_program_opens_its_next_cycle_as_one_closes()
    {
        var program = await mesh.Grants.CreateProgramAsync(new CreateProgramRequest { Name = "Monthly", BudgetMinor = 1_000_000, RunMonthly = true });
        var request = new OpenCycleRequest { ProgramId = program.Id, Name = "first", ClosesAt = In(3), SubmissionCap = 7 };
        request.Tiers.Add(Scenario.FiveK);
        var first = await mesh.Grants.OpenCycleAsync(request);
        Assert.Equal(first.Id, (await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id })).OpenCycleId);

        await mesh.Bus.WaitFor<CycleClosed>(e => e.CycleId == Guid.Parse(first.Id), "the first cycle to close on schedule");
        var opened = await mesh.Bus.WaitFor<CycleOpened>(e => e.ProgramId == Guid.Parse(program.Id) && e.CycleId != Guid.Parse(first.Id), "the next cycle to open");

        var cycles = (await mesh.Grants.ListCyclesAsync(new ListCyclesRequest { ProgramId = program.Id })).Cycles;
        Assert.Equal([opened.CycleId.ToString(), first.Id], cycles.Select(c => c.Id));
        var next = cycles[0];
        Assert.Equal((CyclePhase.SubmissionsAndVoting, 7, "5k"), (next.Phase, next.SubmissionCap, next.Tiers.Single().Name));
        var now = DateTime.UtcNow;
        Assert.Equal(new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1), next.ClosesAt.ToDateTime());
        Assert.Equal(next.Id, (await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id })).OpenCycleId);
        await mesh.Bus.WaitFor<VotingOpened>(e => e.CycleId == opened.CycleId, "the next cycle's vote to open with it");
    }
}
