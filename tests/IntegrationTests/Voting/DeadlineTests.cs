using System.Collections.Concurrent;
using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Voting;

/// <summary>The vote's edges: its deadline kept by Voting's own clock, and withdrawals that take effect before they are answered.</summary>
[Collection(MeshCollection.Name)]
public sealed class DeadlineTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    private sealed record Cast(DateTime SentAt, StatusCode Code, string Message, DateTime? CastAt);

    /// <summary>Casts a vote by a new voter and records when it was sent and how it was answered.</summary>
    private async Task<Cast> CastAsync(Idea idea)
    {
        var sentAt = DateTime.UtcNow;
        try
        {
            var vote = await scenario.CastAsync($"voter-{Guid.NewGuid():N}", idea);
            return new Cast(sentAt, StatusCode.OK, "", vote.CastAt.ToDateTime());
        }
        catch (RpcException e)
        {
            return new Cast(sentAt, e.StatusCode, e.Status.Detail, null);
        }
    }

    /// <summary>Casts votes from <paramref name="callers"/> callers at once until <paramref name="until"/> says stop; answers them in the order sent.</summary>
    private async Task<List<Cast>> HammerAsync(Idea idea, int callers, Func<bool> until, ConcurrentBag<Cast>? casts = null)
    {
        casts ??= [];
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (!until())
            {
                casts.Add(await CastAsync(idea));
            }
        }));
        return casts.OrderBy(c => c.SentAt).ToList();
    }

    [Fact]
    public async Task Votes_racing_the_deadline_while_grants_is_stopped_are_refused_by_votings_clock_and_the_close_is_recorded_at_the_deadline()
    {
        var program = await mesh.Grants.CreateProgramAsync(new CreateProgramRequest { Name = "Deadline", BudgetMinor = 1_000_000 });
        var open = new OpenCycleRequest { ProgramId = program.Id, Name = "Deadline", ClosesAt = Timestamp.FromDateTime(DateTime.UtcNow.AddSeconds(15)) };
        open.Tiers.Add(Scenario.FiveK);
        var cycle = await mesh.Grants.OpenCycleAsync(open);
        var idea = await scenario.ApprovedAsync(cycle, "Night market", "5k", "author-deadline");
        Assert.Equal(StatusCode.OK, (await CastAsync(idea)).Code);
        var deadline = cycle.ClosesAt.ToDateTime();

        // Grants would close the vote at the deadline: stopped, its close comes late.
        await mesh.StopAsync("grants");
        Assert.True(DateTime.UtcNow < deadline - TimeSpan.FromSeconds(2), "grants stopped before the deadline");
        var casts = await HammerAsync(idea, 4, () => DateTime.UtcNow > deadline + TimeSpan.FromSeconds(2));

        var accepted = casts.Where(c => c.Code == StatusCode.OK).ToList();
        Assert.NotEmpty(accepted);
        Assert.All(accepted, c => Assert.True(c.CastAt < deadline, $"a vote was counted at {c.CastAt:O}, after the deadline {deadline:O}"));
        var late = casts.Where(c => c.SentAt >= deadline).ToList();
        Assert.NotEmpty(late);
        Assert.All(late, c => Assert.Equal((StatusCode.FailedPrecondition, true), (c.Code, c.Message.Contains("closed at"))));

        // Back late, Grants closes the vote: recorded at the deadline, with every accepted vote counted.
        await mesh.StartAsync("grants");
        await mesh.Bus.WaitFor<CycleClosed>(e => e.CycleId == Guid.Parse(cycle.Id), "the late close");
        var final = await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });
        Assert.Equal(deadline, final.ClosedAt.ToDateTime());
        Assert.Equal(accepted.Count + 1, final.Tallies.Single().Votes);
        var results = await mesh.Grants.GetCycleResultsAsync(new GetCycleRequest { CycleId = cycle.Id });
        Assert.Equal(deadline, results.Cycle.VotingClosedAt.ToDateTime());
        Assert.Equal(accepted.Count + 1, results.Awards.Single().Votes);
    }

    [Fact]
    public async Task Once_WithdrawIdea_has_answered_no_vote_for_the_idea_is_accepted_and_every_accepted_one_is_counted()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Tool library", "5k", "author-race");
        var stayed = await scenario.ApprovedAsync(cycle, "Repair cafe", "5k", "author-stayed");
        var stopAt = DateTime.MaxValue;
        var sofar = new ConcurrentBag<Cast>();
        var hammering = HammerAsync(idea, 4, () => DateTime.UtcNow > stopAt, sofar);

        // The race needs votes on both sides of the withdrawal.
        await Eventually.Get(() => Task.FromResult(sofar.Count(c => c.Code == StatusCode.OK)), n => n >= 20, "votes before the withdrawal");
        await mesh.Ideas.WithdrawIdeaAsync(new WithdrawIdeaRequest { IdeaId = idea.Id, MemberId = idea.AuthorMemberId }, mesh.AsMember(idea.AuthorMemberId));
        var withdrawnAnsweredAt = DateTime.UtcNow;
        stopAt = withdrawnAnsweredAt + TimeSpan.FromSeconds(1);
        var casts = await hammering;

        var after = casts.Where(c => c.SentAt > withdrawnAnsweredAt).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, c => Assert.Equal((StatusCode.FailedPrecondition, true), (c.Code, c.Message.Contains("withdrawn"))));
        var accepted = casts.Count(c => c.Code == StatusCode.OK);
        Assert.True(accepted > 0, "votes were accepted before the withdrawal");
        var final = await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });
        Assert.Equal((accepted, true), (final.Tallies.Single().Votes, final.Tallies.Single().Withdrawn));

        // Once the vote has closed, its tally is final: an idea in it can no longer be withdrawn.
        await Refused.With(
            () => mesh.Ideas.WithdrawIdeaAsync(new WithdrawIdeaRequest { IdeaId = stayed.Id, MemberId = stayed.AuthorMemberId }, mesh.AsMember(stayed.AuthorMemberId)).ResponseAsync,
            StatusCode.FailedPrecondition, "can no longer be withdrawn");
        Assert.Equal(IdeaStatus.Approved, (await mesh.Ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = stayed.Id })).Status);
    }

    [Fact]
    public async Task An_idea_withdrawn_right_after_its_approval_never_takes_a_vote()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Pop-up clinic", "5k", "author-quick");

        // Voting may not have heard of the approval yet: the withdrawal puts the idea on its ballot as withdrawn.
        await mesh.Ideas.WithdrawIdeaAsync(new WithdrawIdeaRequest { IdeaId = idea.Id, MemberId = idea.AuthorMemberId }, mesh.AsMember(idea.AuthorMemberId));
        await Refused.With(() => scenario.CastAsync("eager-fan", idea).ResponseAsync, StatusCode.FailedPrecondition, "withdrawn");
        await mesh.Bus.WaitFor<IdeaApproved>(e => e.IdeaId == Guid.Parse(idea.Id), "the approval on the bus");
        await Refused.With(() => scenario.CastAsync("later-fan", idea).ResponseAsync, StatusCode.FailedPrecondition, "withdrawn");
    }
}
