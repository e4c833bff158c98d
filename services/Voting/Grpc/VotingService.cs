using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Voting.Data;
using ConductorMesh.Voting.Domain;
using ConductorMesh.Voting.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ConductorMesh.Voting.Grpc;

/// <summary>The Voting API; the review of held votes is in the partial file beside this one.</summary>
public sealed partial class VotingService(
    BallotDirectory directory, VoteWriter writer, VoteStore votes, TallyStore tally, Leaderboards leaderboards, BoardPages pages, LeaderboardWatch watch, StandingsAccess access,
    HeldVotesStore held, FinalStandings final, SealedTrees sealedTrees, ErrorMapping errors)
    : VotingApi.VotingApiBase
{
    public const int MaxBulkVotes = 10_000;

    public override async Task<CastVoteResponse> CastVote(CastVoteRequest request, ServerCallContext context)
    {
        var vote = VoteFields.Checked(request);
        await directory.EnsureIdeaAsync(vote.IdeaId, context.CancellationToken);
        var result = await writer.CastAsync(vote);
        if (result.Code != StatusCode.OK)
        {
            throw result.ToException();
        }
        return new CastVoteResponse
        {
            VoteId = result.VoteId.ToString(),
            IdeaId = vote.IdeaId.ToString(),
            VotesLeftToday = result.VotesLeft,
            AllowanceResetsAt = Timestamp.FromDateTime(result.ResetsAt),
            CastAt = Timestamp.FromDateTime(result.CastAt),
            Held = result.Held,
        };
    }

    public override async Task<CastVotesResponse> CastVotes(IAsyncStreamReader<CastVoteRequest> requestStream, ServerCallContext context)
    {
        // Each vote is checked as it arrives; the valid ones go to the writer in chunks, in order.
        var outcomes = new List<Task<VoteResult>>();
        var chunk = new List<(int Index, NewVote Vote)>();
        void Flush()
        {
            var queued = writer.CastManyAsync(chunk.Select(c => c.Vote).ToList());
            foreach (var ((index, _), result) in chunk.Zip(queued))
            {
                outcomes[index] = result;
            }
            chunk.Clear();
        }
        var limitReached = false;
        // Read by hand rather than with ReadAllAsync: past the limit the stream is left unread, and
        // the outcomes of the votes read (many of them committed) are still answered. Each vote's
        // voter and the caller's limits are checked as it is read (CheckedRequestStream); a
        // refused vote is that vote's outcome, and the stream goes on.
        while (true)
        {
            RpcException? refused = null;
            try
            {
                if (!await requestStream.MoveNext(context.CancellationToken))
                {
                    break;
                }
            }
            catch (MessageRefusedException e)
            {
                refused = e;
            }
            if (outcomes.Count == MaxBulkVotes)
            {
                limitReached = true;
                break;
            }
            var index = outcomes.Count;
            outcomes.Add(null!); // set below, from the check or from the writer
            try
            {
                if (refused is not null)
                {
                    throw refused;
                }
                var vote = VoteFields.Checked(requestStream.Current);
                await directory.EnsureIdeaAsync(vote.IdeaId, context.CancellationToken);
                chunk.Add((index, vote));
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                outcomes[index] = Task.FromResult(VoteResult.Refused(e.StatusCode, e.Status.Detail));
            }
            if (chunk.Count >= 1_000)
            {
                Flush();
            }
        }
        Flush();

        var response = new CastVotesResponse { LimitReached = limitReached };
        for (var i = 0; i < outcomes.Count; i++)
        {
            // A batch that failed fails its own votes only, each with a status to act on.
            var r = await OutcomeAsync(outcomes[i], context);
            response.Outcomes.Add(new VoteOutcome
            {
                Index = i, Code = (int)r.Code, Message = VoteOutcomeMessage(r.Message), VoteId = r.Code == StatusCode.OK ? r.VoteId.ToString() : "", Held = r.Held,
                CastAt = r.Code == StatusCode.OK ? Timestamp.FromDateTime(r.CastAt) : null,
            });
            response.Accepted += r.Code == StatusCode.OK ? 1 : 0;
            response.Held += r.Held ? 1 : 0;
        }
        return response;
    }

    /// <summary>The longest message an outcome carries: 10,000 outcomes stay under 4 MB whatever they say.</summary>
    private const int MaxOutcomeMessage = 300;

    private static string VoteOutcomeMessage(string message) =>
        message.Length <= MaxOutcomeMessage ? message : string.Concat(message.AsSpan(0, MaxOutcomeMessage - 1), "…");

    private async Task<VoteResult> OutcomeAsync(Task<VoteResult> result, ServerCallContext context)
    {
        try
        {
            return await result;
        }
        catch (Exception e)
        {
            var status = errors.StatusOf(e, context);
            return VoteResult.Refused(status.StatusCode, status.Detail);
        }
    }

    public override async Task<Allowance> GetAllowance(GetAllowanceRequest request, ServerCallContext context)
    {
        var voter = Check.Text(request.VoterId, "voter_id", 64);
        var program = await directory.ProgramAsync(Check.Id(request.ProgramId, "program_id"), context.CancellationToken);
        var zone = VotingDay.Zone(program.TimeZone);
        var now = DateTime.UtcNow;
        var used = await votes.UsedAsync(voter, program.ProgramId, VotingDay.Today(now, zone), context.CancellationToken);
        return new Allowance
        {
            VotesLeftToday = Math.Max(0, program.DailyAllowance - used),
            DailyAllowance = program.DailyAllowance,
            ResetsAt = Timestamp.FromDateTime(VotingDay.ResetsAt(now, zone)),
            TimeZone = program.TimeZone,
        };
    }

    public override async Task<Leaderboard> GetLeaderboard(GetLeaderboardRequest request, ServerCallContext context)
    {
        var board = BoardFields.Checked(request);
        var closed = await access.EnsureVisibleAsync(board.CycleId, context);
        return await ReadAsync(board, closed, context.CancellationToken);
    }

    public override async Task WatchLeaderboard(GetLeaderboardRequest request, IServerStreamWriter<Leaderboard> responseStream, ServerCallContext context)
    {
        var board = BoardFields.Checked(request);
        var closed = await access.EnsureVisibleAsync(board.CycleId, context);
        using var watcher = await watch.WatchAsync(board.CycleId);
        Leaderboard? sent = null;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var current = await ReadAsync(board, closed, context.CancellationToken);
            if (sent is null || !current.Entries.Equals(sent.Entries))
            {
                await responseStream.WriteAsync(current, context.CancellationToken);
                sent = current;
            }
            try
            {
                await watcher.WaitAsync(context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task<IdeaStanding> GetIdeaStanding(GetIdeaStandingRequest request, ServerCallContext context)
    {
        var ideaId = Check.Id(request.IdeaId, "idea_id");
        var idea = await directory.FindAsync(ideaId, context.CancellationToken)
            ?? throw Check.NotFound($"Idea {ideaId} is not in any vote.");
        await access.EnsureVisibleAsync(idea.CycleId, context);
        if (idea.WithdrawnAt is not null)
        {
            // Off the boards, but its counted votes stand, as in the cycle's results.
            var counted = await tally.CountedAsync(ideaId, context.CancellationToken);
            return new IdeaStanding { IdeaId = ideaId.ToString(), CycleId = idea.CycleId.ToString(), Votes = counted, Withdrawn = true };
        }
        var (count, rank, tierRank, categoryRank) = idea.ClosedAt is null
            ? await leaderboards.StandingAsync(idea.CycleId, idea.Tier, idea.Category, ideaId)
            : await final.StandingAsync(idea.CycleId, ideaId, context.CancellationToken);
        return new IdeaStanding
        {
            IdeaId = ideaId.ToString(), CycleId = idea.CycleId.ToString(), Votes = count, Rank = rank, TierRank = tierRank, CategoryRank = categoryRank,
        };
    }

    public override async Task<FinalTallies> FinalizeCycle(FinalizeCycleRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        await directory.EnsureCycleAsync(cycleId, context.CancellationToken);
        var (closedAt, tallies, seal) = await votes.FinalizeAsync(cycleId, context.CancellationToken);
        access.Forget(cycleId);
        var final = new FinalTallies { CycleId = cycleId.ToString(), ClosedAt = Timestamp.FromDateTime(closedAt), Seal = SealOf(seal) };
        final.Tallies.AddRange(tallies.Select(t => new IdeaTally
        {
            IdeaId = t.IdeaId.ToString(),
            Tier = t.Tier,
            Category = System.Enum.Parse<Category>(t.Category),
            Votes = t.Votes,
            LastVoteAt = Timestamp.FromDateTime(t.LastVoteAt),
            Withdrawn = t.Withdrawn,
        }));
        return final;
    }

    public override async Task<VoteReceipt> GetVoteReceipt(GetVoteReceiptRequest request, ServerCallContext context)
    {
        var voteId = Check.Id(request.VoteId, "vote_id");
        var voterId = Check.Text(request.VoterId, "voter_id", 200);
        // Another voter's vote reads as no vote at all: a receipt does not say who voted.
        if (await sealedTrees.LeafOfAsync(voteId, context.CancellationToken) is not { } vote || vote.VoterId != voterId)
        {
            throw Check.NotFound($"Voter {voterId} has no vote with id {voteId}.");
        }
        var sealedTree = await sealedTrees.OfAsync(vote.CycleId, context.CancellationToken)
            ?? throw Check.Precondition($"The vote of cycle {vote.CycleId} has not closed yet; its votes are sealed, and receipts given, when it closes.");
        var index = SealedTrees.IndexOf(sealedTree, voteId);
        var receipt = new VoteReceipt { CycleId = vote.CycleId.ToString(), Leaf = LeafOf(index, vote.Leaf), Seal = SealOf(sealedTree.Seal) };
        receipt.Proof.AddRange(sealedTree.Tree.ProofOf(index).Select(Convert.ToHexStringLower));
        return receipt;
    }

    public override async Task ExportSealedCycle(ExportSealedCycleRequest request, IServerStreamWriter<V1.SealedLeaf> responseStream, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        await directory.EnsureCycleAsync(cycleId, context.CancellationToken);
        var leaves = await sealedTrees.LeavesAsync(cycleId, context.CancellationToken)
            ?? throw Check.Precondition($"The vote of cycle {cycleId} has not closed yet; its votes are sealed, and exported, when it closes.");
        var index = 0L;
        await foreach (var leaf in leaves)
        {
            await responseStream.WriteAsync(LeafOf(index++, leaf), context.CancellationToken);
        }
    }

    private static CycleSeal SealOf(Seal seal) => new()
    {
        Root = Convert.ToHexStringLower(seal.Root), LeafCount = seal.Leaves, CountedVotes = seal.Counted, RemovedVotes = seal.Removed,
        SealedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(seal.SealedAt, DateTimeKind.Utc)), Algorithm = SealStore.Algorithm,
    };

    private static V1.SealedLeaf LeafOf(long index, Verification.TallyLeaf leaf) => new()
    {
        Index = index, Text = leaf.Text, VoteId = leaf.VoteId.ToString(), IdeaId = leaf.IdeaId.ToString(), Counted = leaf.IsCounted,
    };

    public override async Task<IdeaWithdrawal> WithdrawFromVote(WithdrawFromVoteRequest request, ServerCallContext context)
    {
        var ideaId = Check.Id(request.IdeaId, "idea_id");
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var tier = Check.Text(request.Tier, "tier", 20).ToLowerInvariant();
        var category = Check.Defined(request.Category, "category").ToString();
        await directory.EnsureCycleAsync(cycleId, context.CancellationToken);
        var withdrawnAt = await votes.WithdrawAsync(ideaId, cycleId, tier, category, context.CancellationToken);
        return new IdeaWithdrawal { IdeaId = ideaId.ToString(), WithdrawnAt = Timestamp.FromDateTime(withdrawnAt) };
    }

    public override async Task<RebuildLeaderboardsResponse> RebuildLeaderboards(RebuildLeaderboardsRequest request, ServerCallContext context)
    {
        var cycleId = Check.OptionalId(request.CycleId, "cycle_id");
        var (cycles, ideas) = await tally.RebuildAsync(cycleId, context.CancellationToken);
        return new RebuildLeaderboardsResponse { Cycles = cycles, Ideas = ideas };
    }

    /// <summary>A page of a board: live from Redis while the vote is open, from the final tallies once it has closed.</summary>
    private async Task<Leaderboard> ReadAsync(BoardFields board, bool closed, CancellationToken ct)
    {
        var asOf = DateTime.UtcNow;
        var (entries, size) = closed
            ? await final.PageAsync(board.CycleId, board.Tier, board.Category, board.Offset, board.Size, ct)
            : await pages.PageAsync(board.CycleId, board.Key, board.Offset, board.Size);
        var result = new Leaderboard
        {
            CycleId = board.CycleId.ToString(),
            AsOf = Timestamp.FromDateTime(asOf),
            NextPageToken = board.Offset + board.Size < size ? PageToken.EncodeOffset(board.Offset + board.Size) : "",
        };
        result.Entries.AddRange(entries.Select((e, i) => new LeaderboardEntry { IdeaId = e.IdeaId.ToString(), Votes = e.Votes, Rank = board.Offset + i + 1 }));
        return result;
    }
}
