using ConductorMesh.Ideas.V1;

namespace ConductorMesh.IntegrationTests.Ideas;

/// <summary>How the public and moderators find ideas: filtered lists, cursor paging, search and the moderation queue.</summary>
[Collection(MeshCollection.Name)]
public sealed class DiscoveryTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task Paging_while_ideas_are_added_never_repeats_or_skips_an_idea()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var before = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            before.Add((await scenario.SubmitAsync(cycle, $"Existing idea {i}", "5k", $"author-{i}")).Id);
        }

        using var stop = new CancellationTokenSource();
        var adding = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 40; i++)
            {
                await scenario.SubmitAsync(cycle, $"New idea {i}", "5k", $"late-{i}");
            }
        });
        var seen = await scenario.ListAllAsync(new ListIdeasRequest { CycleId = cycle.Id, PageSize = 4 });
        await stop.CancelAsync();
        await adding;

        var ids = seen.Select(i => i.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), before.ToHashSet());
        Assert.Equal(seen.OrderBy(i => i.CreatedAt).ThenBy(i => Guid.Parse(i.Id)).Select(i => i.Id), ids);
    }

    [Fact]
    public async Task Filters_combine_and_drafts_are_listed_only_for_their_author()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK, new() { Name = "25k", AmountMinor = 25_000_00, Slots = 1 });
        var author = $"author-{Guid.NewGuid():N}";
        var health = await scenario.SubmitAsync(cycle, "Free clinic day", "5k", author, Category.Health);
        var school = await scenario.ApprovedAsync(cycle, "School garden", "25k", author, Category.Education);
        var other = await scenario.SubmitAsync(cycle, "Street piano", "5k", "someone-else", Category.ArtsAndCulture);
        var draftRequest = Scenario.Submission(cycle, "Unfinished thought", "5k", author);
        draftRequest.Draft = true;
        var draft = await mesh.Ideas.SubmitIdeaAsync(draftRequest, mesh.AsMember(draftRequest.AuthorMemberId));

        async Task<IEnumerable<string>> Ids(ListIdeasRequest r) => (await scenario.ListAllAsync(r)).Select(i => i.Id);

        Assert.Equal([health.Id, school.Id, other.Id], await Ids(new() { CycleId = cycle.Id }));
        Assert.Equal([health.Id, school.Id, other.Id], await Ids(new() { ProgramId = program.Id }));
        Assert.Equal([health.Id, school.Id, draft.Id], await Ids(new() { AuthorMemberId = author }));
        Assert.Equal([health.Id], await Ids(new() { CycleId = cycle.Id, Category = Category.Health }));
        Assert.Equal([school.Id], await Ids(new() { CycleId = cycle.Id, Tier = "25K" }));
        Assert.Equal([school.Id], await Ids(new() { CycleId = cycle.Id, Status = IdeaStatus.Approved }));
        Assert.Equal([health.Id], await Ids(new() { AuthorMemberId = author, Status = IdeaStatus.Submitted, Tier = "5k" }));
        Assert.Equal([draft.Id], await Ids(new() { AuthorMemberId = author, Status = IdeaStatus.Draft }));
        // Another member naming the author sees the author's public ideas, not the draft; the author does.
        async Task<IEnumerable<string>> IdsAs(string member, IdeaStatus status = IdeaStatus.Unspecified) =>
            (await mesh.Ideas.ListIdeasAsync(new ListIdeasRequest { AuthorMemberId = author, Status = status }, mesh.AsMember(member))).Ideas.Select(i => i.Id);
        Assert.Equal([health.Id, school.Id], await IdsAs("someone-else"));
        Assert.Empty(await IdsAs("someone-else", IdeaStatus.Draft));
        Assert.Equal([health.Id, school.Id, draft.Id], await IdsAs(author));
        Assert.Empty(await Ids(new() { CycleId = cycle.Id, Category = Category.Neighborhoods }));
    }

    [Fact]
    public async Task Search_ranks_title_matches_above_description_matches_and_pages_in_rank_order()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        // A made-up word keeps this test's ideas apart from every other test's.
        var word = "zq" + Guid.NewGuid().ToString("N")[..8].Replace('0', 'x');
        async Task<Idea> Idea(string title, string description)
        {
            var request = Scenario.Submission(cycle, title, "5k", $"author-{Guid.NewGuid():N}");
            request.Description = description;
            return await mesh.Ideas.SubmitIdeaAsync(request, mesh.AsMember(request.AuthorMemberId));
        }
        var inTitle = await Idea($"Beehives {word} on the roof", "Pollinators for the neighborhood");
        var inBoth = await Idea($"Rooftop beehives {word}", $"Beehives and a {word} honey share for the block");
        var inDescription = await Idea("Neighborhood honey", $"We keep beehives; {word} volunteers help");
        await Idea($"Bicycle kitchen {word}", "Repairs for everyone");

        var all = await mesh.Ideas.SearchIdeasAsync(new SearchIdeasRequest { Query = $"{word} beehives", CycleId = cycle.Id });

        Assert.Equal([inBoth.Id, inTitle.Id, inDescription.Id], all.Hits.Select(h => h.Idea.Id));
        Assert.True(all.Hits[0].Rank > all.Hits[1].Rank && all.Hits[1].Rank > all.Hits[2].Rank);
        var paged = new List<string>();
        var request = new SearchIdeasRequest { Query = $"{word} beehives", PageSize = 1 };
        do
        {
            var page = await mesh.Ideas.SearchIdeasAsync(request);
            paged.AddRange(page.Hits.Select(h => h.Idea.Id));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        Assert.Equal(all.Hits.Select(h => h.Idea.Id), paged);
        Assert.Equal([inDescription.Id], (await mesh.Ideas.SearchIdeasAsync(new SearchIdeasRequest { Query = $"{word} volunteer" })).Hits.Select(h => h.Idea.Id));
        Assert.Empty((await mesh.Ideas.SearchIdeasAsync(new SearchIdeasRequest { Query = $"{word} beehives -pollinators -honey" })).Hits);
    }

    [Fact]
    public async Task The_moderation_queue_lists_submitted_ideas_oldest_first_with_its_size()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var ideas = new List<Idea>();
        for (var i = 0; i < 5; i++)
        {
            ideas.Add(await scenario.SubmitAsync(cycle, $"Waiting idea {i}", "5k", $"author-m{i}"));
        }
        await mesh.Ideas.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = ideas[1].Id, ModeratorId = "mod" });

        var first = await mesh.Ideas.ListModerationQueueAsync(new ListModerationQueueRequest { ProgramId = program.Id, PageSize = 3 });
        var second = await mesh.Ideas.ListModerationQueueAsync(new ListModerationQueueRequest { ProgramId = program.Id, PageSize = 3, PageToken = first.NextPageToken });

        Assert.Equal(4, first.Waiting);
        Assert.Equal(new[] { 0, 2, 3, 4 }.Select(i => ideas[i].Id), first.Ideas.Concat(second.Ideas).Select(i => i.Id));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(4, (await mesh.Ideas.ListModerationQueueAsync(new ListModerationQueueRequest { CycleId = cycle.Id })).Waiting);
    }
}
