using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Ideas;

/// <summary>Submitting ideas: field limits, the exact cap under concurrency, and the queue for the next cycle.</summary>
[Collection(MeshCollection.Name)]
public sealed class SubmissionTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    public static TheoryData<string, Action<SubmitIdeaRequest>> BadFields => new()
    {
        { "cycle_id", r => r.CycleId = "cycle-7" },
        { "title", r => r.Title = "ab" },
        { "title", r => r.Title = new string('t', 121) },
        { "description", r => r.Description = "   " },
        { "description", r => r.Description = new string('d', 5001) },
        { "category", r => r.Category = Category.Unspecified },
        { "category", r => r.Category = (Category)42 },
        { "tier", r => r.Tier = "" },
        { "author_member_id", r => r.AuthorMemberId = new string('m', 65) },
        { "idempotency_key", r => r.IdempotencyKey = new string('k', 65) },
        { "location", r => r.Location = new string('l', 121) },
        { "links", r => r.Links.AddRange(Enumerable.Range(0, 6).Select(i => $"https://example.org/{i}")) },
        { "links[0]", r => r.Links.Add("javascript:alert(1)") },
        { "links[1]", r => r.Links.AddRange(["https://example.org", "example.org/no-scheme"]) },
        { "title", r => r.Title = "Bell\u0007 tower" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_refused_by_name_and_nothing_is_stored(string field, Action<SubmitIdeaRequest> spoil)
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var author = $"author-{Guid.NewGuid():N}";
        var request = Scenario.Submission(cycle, "Tool library", "5k", author);
        spoil(request);

        var refused = await Refused.With(() => mesh.Ideas.SubmitIdeaAsync(request, mesh.AsMember(request.AuthorMemberId)).ResponseAsync, StatusCode.InvalidArgument, field);

        Assert.StartsWith(field + ":", refused.Status.Detail);
        Assert.Empty((await mesh.Ideas.ListIdeasAsync(new ListIdeasRequest { AuthorMemberId = author })).Ideas);
    }

    [Fact]
    public async Task Location_and_links_are_kept_and_links_are_normalized()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var request = Scenario.Submission(cycle, "Tool library", "5k", "author-links");
        request.Location = "  Austin, TX ";
        request.Links.AddRange(["https://Example.org/tools", "http://example.org/plan?x=1"]);

        var idea = await mesh.Ideas.SubmitIdeaAsync(request, mesh.AsMember(request.AuthorMemberId));

        Assert.Equal("Austin, TX", idea.Location);
        Assert.Equal(["https://example.org/tools", "http://example.org/plan?x=1"], idea.Links);
    }

    [Fact]
    public async Task With_ten_places_left_exactly_ten_of_two_hundred_concurrent_submissions_are_accepted()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, 15, Scenario.FiveK);
        for (var i = 0; i < 5; i++)
        {
            await scenario.SubmitAsync(cycle, $"Early idea {i}", "5k", $"early-{i}");
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            try
            {
                await scenario.SubmitAsync(cycle, $"Rush idea {i}", "5k", $"rush-{i}");
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                // The program does not run monthly: no date is promised for a next cycle.
                Assert.Contains("next cycle (none is scheduled yet", e.Status.Detail);
                return e.StatusCode;
            }
        }));

        Assert.Equal(10, outcomes.Count(o => o == StatusCode.OK));
        Assert.Equal(190, outcomes.Count(o => o == StatusCode.ResourceExhausted));
        Assert.Equal(15, (await scenario.ListAllAsync(new ListIdeasRequest { CycleId = cycle.Id, PageSize = 200 })).Count);
    }

    [Fact]
    public async Task A_full_cycle_queues_on_request_and_the_queue_enters_the_next_cycle_in_arrival_order()
    {
        var big = new Tier { Name = "big", AmountMinor = 50_000_00, Slots = 1 };
        var (program, cycle) = await scenario.OpenCycleAsync(10_000_000, 1, Scenario.FiveK, big);
        await scenario.SubmitAsync(cycle, "Takes the only place", "5k", "author-q0");
        var queued = new List<Idea>();
        foreach (var (title, tier) in new[] { ("First in line", "5k"), ("Asks for a tier that goes away", "big"), ("Second in line", "5k"), ("Third in line", "5k") })
        {
            var request = Scenario.Submission(cycle, title, tier, $"author-{Guid.NewGuid():N}");
            request.QueueIfFull = true;
            queued.Add(await mesh.Ideas.SubmitIdeaAsync(request, mesh.AsMember(request.AuthorMemberId)));
        }
        Assert.All(queued, i => Assert.Equal(IdeaStatus.Queued, i.Status));
        Assert.Contains("waits for the program's next cycle (none is scheduled yet", queued[0].StatusReason);

        await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });
        var next = await scenario.NextCycleAsync(program, 2, Scenario.FiveK);

        var first = await Eventually.Get(() => mesh.Ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = queued[0].Id }).ResponseAsync,
            i => i.Status == IdeaStatus.Submitted, "the first queued idea to enter the next cycle");
        Assert.Equal(next.Id, first.CycleId);
        var states = await Task.WhenAll(queued.Skip(1).Select(q => mesh.Ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = q.Id }).ResponseAsync));
        Assert.Equal([IdeaStatus.Rejected, IdeaStatus.Submitted, IdeaStatus.Queued], states.Select(s => s.Status));
        Assert.Contains("offers no tier 'big'", states[0].StatusReason);
        await mesh.Bus.WaitFor<IdeaSubmitted>(e => e.IdeaId == Guid.Parse(first.Id) && e.CycleId == Guid.Parse(next.Id), "IdeaSubmitted for the queued idea");
    }
}
