using ConductorMesh.AppHost;
using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Verification;
using ConductorMesh.Voting.V1;
using Google.Protobuf;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Voting;

/// <summary>
/// A closed cycle's verifiable tally: its votes sealed into a root at the close, receipts a voter
/// checks offline, and an export anyone recomputes the root and the totals from.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class SealTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task A_closed_cycle_is_sealed_its_receipts_verify_and_its_export_gives_the_root_and_the_totals()
    {
        // 22 ideas; fans vote for some, and a script votes for all 22 within the minute, so the
        // velocity threshold (20) holds its last two: one is voided, one is left held.
        var (_, cycle) = await scenario.OpenCycleAsync(
            new CreateProgramRequest { Name = "Sealed", BudgetMinor = 1_000_000, DailyVoteAllowance = 100 }, 0, Scenario.FiveK);
        var ideas = new List<Idea>();
        for (var i = 0; i < 22; i++)
        {
            ideas.Add(await scenario.ApprovedAsync(cycle, $"Sealed idea {i}", "5k", $"author-{i}"));
        }
        var fans = await mesh.NewMembersAsync(6, "fan");
        var cast = new List<(string Voter, CastVoteResponse Vote)>();
        foreach (var (fan, n) in fans.Select((f, n) => (f, n)))
        {
            cast.Add((fan, await mesh.Partner.Voting.CastVoteAsync(new CastVoteRequest { VoterId = fan, IdeaId = ideas[n % 3].Id, Channel = VoteChannel.Web })));
        }
        var script = await mesh.NewMemberAsync("script");
        foreach (var idea in ideas)
        {
            cast.Add((script, await Scenario.PacedAsync(() => mesh.Partner.Voting.CastVoteAsync(new CastVoteRequest { VoterId = script, IdeaId = idea.Id, Channel = VoteChannel.Web }).ResponseAsync)));
        }
        var held = cast.Where(c => c.Vote.Held).Select(c => c.Vote.VoteId).ToList();
        Assert.Equal(2, held.Count);
        await mesh.Voting.ReviewHeldVotesAsync(new ReviewHeldVotesRequest { VoteIds = { held[0] }, Decision = VoteReview.Void, Reason = "scripted" });
        await Refused.With(() => mesh.Voting.GetVoteReceiptAsync(new GetVoteReceiptRequest { VoteId = cast[0].Vote.VoteId, VoterId = fans[0] }, mesh.AsMember(fans[0])).ResponseAsync,
            StatusCode.FailedPrecondition, "has not closed");

        var final = await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });

        var seal = final.Seal;
        Assert.Matches("^[0-9a-f]{64}$", seal.Root);
        Assert.Equal((28L, 26L, 2L, "conductormesh-tally-v1"), (seal.LeafCount, seal.CountedVotes, seal.RemovedVotes, seal.Algorithm));
        Assert.Equal(seal.CountedVotes, final.Tallies.Sum(t => t.Votes));

        // Each voter's receipt verifies offline against the published root, and names no voter.
        foreach (var (voter, vote) in cast.Where(c => c.Voter != script).Append(cast[^1]))
        {
            var receipt = await mesh.Voting.GetVoteReceiptAsync(new GetVoteReceiptRequest { VoteId = vote.VoteId, VoterId = voter }, mesh.AsMember(voter));
            Assert.True(Verifies(receipt, seal.Root), $"the receipt of vote {vote.VoteId}");
            Assert.DoesNotContain(voter, receipt.Leaf.Text);
            Assert.Equal(!vote.Held, receipt.Leaf.Counted);
        }
        await Refused.With(() => mesh.Voting.GetVoteReceiptAsync(new GetVoteReceiptRequest { VoteId = cast[0].Vote.VoteId, VoterId = fans[1] }, mesh.AsMember(fans[1])).ResponseAsync,
            StatusCode.NotFound, "has no vote");

        // The export gives the root, and the totals the awards are made from.
        var export = await ExportAsync(cycle.Id);
        var check = SealedExport.Check(export.Select(l => TallyLeaf.Parse(l.Text)!).ToList(), Convert.FromHexString(seal.Root));
        Assert.True(check.Matches);
        Assert.Equal(final.Tallies.ToDictionary(t => Guid.Parse(t.IdeaId), t => t.Votes).OrderBy(t => t.Key), check.Totals.OrderBy(t => t.Key));
        Assert.Equal(2, check.Removed);
        Assert.Equal(0, await VerifyAsync(export, seal.Root));

        // The root never changes: not by voiding the vote left held, a leaderboard rebuild, a restart of Voting, or another close.
        await mesh.Voting.ReviewHeldVotesAsync(new ReviewHeldVotesRequest { VoteIds = { held[1] }, Decision = VoteReview.Void, Reason = "scripted" });
        await mesh.Voting.RebuildLeaderboardsAsync(new RebuildLeaderboardsRequest { CycleId = cycle.Id });
        await mesh.StopAsync("voting");
        await mesh.StartAsync("voting");
        Assert.Equal(seal, (await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id })).Seal);
        var again = await ExportAsync(cycle.Id);
        Assert.Equal(export, again);
        var lastReceipt = await mesh.Voting.GetVoteReceiptAsync(new GetVoteReceiptRequest { VoteId = held[1], VoterId = script }, mesh.AsMember(script));
        Assert.True(Verifies(lastReceipt, seal.Root));
    }

    [Fact]
    public async Task Changing_one_leaf_of_an_export_fails_the_verifier()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var ideas = new[] { await scenario.ApprovedAsync(cycle, "One", "5k", "author-one"), await scenario.ApprovedAsync(cycle, "Two", "5k", "author-two") };
        await scenario.VoteAsync(ideas[0], 3);
        await scenario.VoteAsync(ideas[1], 2);
        var seal = (await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id })).Seal;
        var export = await ExportAsync(cycle.Id);
        Assert.Equal(0, await VerifyAsync(export, seal.Root));

        // A vote moved from one idea to the other.
        var moved = export.Select(l => l.Clone()).ToList();
        var leaf = TallyLeaf.Parse(moved[1].Text)!;
        moved[1].Text = (leaf with { IdeaId = Guid.Parse(leaf.IdeaId == Guid.Parse(ideas[0].Id) ? ideas[1].Id : ideas[0].Id) }).Text;

        Assert.Equal(1, await VerifyAsync(moved, seal.Root));
        Assert.Equal(1, await VerifyAsync(export.Skip(1).ToList(), seal.Root));
    }

    [Fact]
    public async Task A_receipt_is_checked_offline_against_the_published_root_only()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Receipted", "5k", "author-receipted");
        var voters = await mesh.NewMembersAsync(5, "receipted");
        var votes = new List<CastVoteResponse>();
        foreach (var voter in voters)
        {
            votes.Add(await scenario.CastAsync(voter, idea));
        }
        var published = (await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id })).Seal.Root;
        var receipt = await mesh.Voting.GetVoteReceiptAsync(new GetVoteReceiptRequest { VoteId = votes[2].VoteId, VoterId = voters[2] }, mesh.AsMember(voters[2]));

        Assert.Equal(0, await VerifyAsync(["--receipt"], [receipt], published));
        Assert.Equal(1, await VerifyAsync(["--receipt"], [receipt], new string('0', 64)));
        var forged = receipt.Clone();
        forged.Seal.Root = new string('0', 64); // a receipt's own claim does not matter: the published root does
        forged.Proof[0] = new string('1', 64);
        Assert.Equal(1, await VerifyAsync(["--receipt"], [forged], published));
    }

    [Fact]
    public async Task A_cycles_results_carry_its_root_and_the_awards_counts_are_the_exports_totals()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var ideas = new[] { await scenario.ApprovedAsync(cycle, "Winner", "5k", "author-w"), await scenario.ApprovedAsync(cycle, "Runner-up", "5k", "author-r") };
        await scenario.VoteAsync(ideas[0], 4);
        await scenario.VoteAsync(ideas[1], 3);

        var results = await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });

        Assert.Equal(7, results.Seal.CountedVotes);
        Assert.Equal(results.Seal, (await mesh.Grants.GetCycleResultsAsync(new GetCycleRequest { CycleId = cycle.Id })).Seal);
        var export = await ExportAsync(cycle.Id);
        var check = SealedExport.Check(export.Select(l => TallyLeaf.Parse(l.Text)!).ToList(), Convert.FromHexString(results.Seal.Root));
        Assert.True(check.Matches);
        Assert.Equal(results.Ranking.ToDictionary(r => Guid.Parse(r.IdeaId), r => r.Votes).OrderBy(r => r.Key), check.Totals.OrderBy(t => t.Key));
        Assert.Equal(ideas[0].Id, results.Awards.Single().IdeaId);
        var sealedEvent = await mesh.Bus.WaitFor<CycleSealed>(e => e.CycleId == Guid.Parse(cycle.Id), "the cycle's CycleSealed");
        Assert.Equal((results.Seal.Root, 7L), (sealedEvent.Root, sealedEvent.CountedVotes));
        Assert.Equal(check.Totals.OrderBy(t => t.Key), sealedEvent.Totals.ToDictionary(t => t.IdeaId, t => t.Votes).OrderBy(t => t.Key));
    }

    private async Task<List<SealedLeaf>> ExportAsync(string cycleId)
    {
        using var call = mesh.Partner.Voting.ExportSealedCycle(new ExportSealedCycleRequest { CycleId = cycleId });
        var leaves = new List<SealedLeaf>();
        await foreach (var leaf in call.ResponseStream.ReadAllAsync())
        {
            leaves.Add(leaf);
        }
        return leaves;
    }

    private static bool Verifies(VoteReceipt receipt, string root) =>
        TallyLeaf.Parse(receipt.Leaf.Text) is { } leaf
        && MerkleTree.Verifies(leaf.Hash(), receipt.Leaf.Index, receipt.Seal.LeafCount, receipt.Proof.Select(Convert.FromHexString).ToList(), Convert.FromHexString(root));

    private static Task<int> VerifyAsync(IEnumerable<SealedLeaf> export, string root) => VerifyAsync([], export, root);

    /// <summary>Runs <c>./mesh verify</c>'s command on messages written as JSON, as grpcurl writes them; answers its exit code.</summary>
    private static async Task<int> VerifyAsync(string[] options, IEnumerable<IMessage> messages, string root)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, messages.Select(m => JsonFormatter.Default.Format(m)));
            var verify = await Commands.MeshAsync(["verify", .. options, file, root]);
            Assert.Contains(verify.ExitCode == 0 ? (options is [] ? "MATCH:" : "VERIFIED:") : (options is [] ? "NO MATCH:" : "NOT VERIFIED:"), verify.Output);
            return verify.ExitCode;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
