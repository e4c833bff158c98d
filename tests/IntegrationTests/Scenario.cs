using System.Globalization;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests;

/// <summary>Builds programs, cycles, ideas and votes through the public APIs, as a partner would.</summary>
public sealed class Scenario(MeshFixture mesh)
{
    public static readonly Tier FiveK = new() { Name = "5k", AmountMinor = 5_000_00, Slots = 1 };

    public Task<(GrantProgram Program, Cycle Cycle)> OpenCycleAsync(long budgetMinor, params Tier[] tiers) =>
        OpenCycleAsync(budgetMinor, 0, tiers);

    /// <summary>A new program with an open cycle taking at most <paramref name="cap"/> ideas (0: the default).</summary>
    public Task<(GrantProgram Program, Cycle Cycle)> OpenCycleAsync(long budgetMinor, int cap, params Tier[] tiers) =>
        OpenCycleAsync(new CreateProgramRequest { Name = "Test program", Currency = "USD", BudgetMinor = budgetMinor }, cap, tiers);

    public async Task<(GrantProgram Program, Cycle Cycle)> OpenCycleAsync(CreateProgramRequest programRequest, int cap, params Tier[] tiers)
    {
        var program = await mesh.Grants.CreateProgramAsync(programRequest);
        return (program, await NextCycleAsync(program, cap, tiers));
    }

    public async Task<Cycle> NextCycleAsync(GrantProgram program, int cap, params Tier[] tiers)
    {
        var request = new OpenCycleRequest { ProgramId = program.Id, Name = "2026-12", SubmissionCap = cap };
        request.Tiers.AddRange(tiers);
        return await mesh.Grants.OpenCycleAsync(request);
    }

    /// <summary>A valid submission, for a test to change one field of.</summary>
    public static SubmitIdeaRequest Submission(Cycle cycle, string title, string tier, string author, Category category = Category.ThePlanet) => new()
    {
        CycleId = cycle.Id, Title = title, Description = $"About {title}", Category = category, Tier = tier, AuthorMemberId = author,
    };

    /// <summary>Submits as the author, with a member token of their own.</summary>
    public async Task<Idea> SubmitAsync(Cycle cycle, string title, string tier, string author, Category category = Category.ThePlanet) =>
        await SubmitAsync(Submission(cycle, title, tier, author, category));

    public async Task<Idea> SubmitAsync(SubmitIdeaRequest request) =>
        await mesh.Ideas.SubmitIdeaAsync(request, mesh.AsMember(request.AuthorMemberId));

    /// <summary>One vote by the voter, with a member token of their own.</summary>
    public AsyncUnaryCall<CastVoteResponse> CastAsync(string voter, Idea idea, VoteChannel channel = VoteChannel.Web, string key = "") =>
        mesh.Voting.CastVoteAsync(new CastVoteRequest { VoterId = voter, IdeaId = idea.Id, Channel = channel, IdempotencyKey = key }, mesh.AsMember(voter));

    public async Task<Idea> ApprovedAsync(Cycle cycle, string title, string tier, string author, Category category = Category.ThePlanet)
    {
        var idea = await SubmitAsync(cycle, title, tier, author, category);
        return await mesh.Ideas.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = idea.Id, ModeratorId = "moderator-1" });
    }

    /// <summary>The outcomes of <paramref name="count"/> votes cast at once: OK with the idea voted for, or the refusal's status.</summary>
    public static async Task<(StatusCode Code, string IdeaId)[]> AllAtOnceAsync(int count, Func<int, Task<CastVoteResponse>> cast) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            try
            {
                return (StatusCode.OK, (await cast(i)).IdeaId);
            }
            catch (RpcException e)
            {
                return (e.StatusCode, "");
            }
        }));

    /// <summary>Casts <paramref name="count"/> votes for the idea, each by a different voter.</summary>
    /// <summary>
    /// Makes a call, and makes it again after the wait that a limit's refusal names (its
    /// retry-after-ms trailer), as a partner's well-behaved client does; at most ten times.
    /// </summary>
    public static async Task<T> PacedAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (attempt < 10 && e.StatusCode == StatusCode.ResourceExhausted && e.Trailers.GetValue(MeshRateLimiter.RetryAfterHeader) is { } wait)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(double.Parse(wait, CultureInfo.InvariantCulture)));
            }
        }
    }

    public async Task VoteAsync(Idea idea, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await CastAsync($"voter-{Guid.NewGuid():N}", idea);
        }
    }

    /// <summary>Waits for the leaderboard (fed by the tally, a moment after the votes) to read <paramref name="expected"/>.</summary>
    public Task<Leaderboard> BoardAsync(GetLeaderboardRequest request, params (string IdeaId, long Votes)[] expected) =>
        Eventually.Get(() => mesh.Voting.GetLeaderboardAsync(request).ResponseAsync,
            b => b.Entries.Select(e => (e.IdeaId, e.Votes)).SequenceEqual(expected), $"the leaderboard to read {string.Join(", ", expected)}");

    /// <summary>Every page of a listing, following next_page_token to the end.</summary>
    public async Task<List<Idea>> ListAllAsync(ListIdeasRequest request)
    {
        var all = new List<Idea>();
        do
        {
            var page = await mesh.Ideas.ListIdeasAsync(request);
            all.AddRange(page.Ideas);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return all;
    }
}
