using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Npgsql;

namespace ConductorMesh.Community.Data;

/// <summary>
/// The five elements of each idea: Attention (views), Awareness (shares), Affinity (follows and
/// comments), Audience (distinct people who voted, followed or commented) and Action (votes).
/// </summary>
public sealed class ElementsStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "idea_id, cycle_id, views, shares, follows, comments, audience, votes";

    /// <summary>The stored column of each element, for ranking.</summary>
    public static readonly IReadOnlyDictionary<string, string> Order = new Dictionary<string, string>
    {
        ["attention"] = "views",
        ["awareness"] = "shares",
        ["affinity"] = "follows + comments",
        ["audience"] = "audience",
        ["action"] = "votes",
    };

    public Task<long> ViewedAsync(KnownIdea idea, CancellationToken ct) =>
        dataSource.InTransactionAsync((connection, tx) =>
            connection.ExecuteScalarAsync<long>("UPDATE idea_elements SET views = views + 1 WHERE idea_id = @IdeaId RETURNING views", new { idea.IdeaId }, tx), ct);

    public Task<long> SharedAsync(KnownIdea idea, Guid? memberId, string channel, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            if (memberId is { } member)
            {
                await MembersStore.ActiveAsync(tx, member);
            }
            var shares = await connection.ExecuteScalarAsync<long>(
                "UPDATE idea_elements SET shares = shares + 1 WHERE idea_id = @IdeaId RETURNING shares", new { idea.IdeaId }, tx);
            await tx.EnqueueAsync(new IdeaShared(idea.IdeaId, memberId, channel));
            return shares;
        }, ct);

    /// <summary>Counts a person into the idea's audience once, however many ways they came.</summary>
    public static async Task JoinAudienceAsync(NpgsqlTransaction tx, Guid ideaId, IReadOnlyCollection<string> people)
    {
        if (people.Count == 0)
        {
            return;
        }
        await tx.Connection!.ExecuteAsync(
            """
            WITH joined AS (INSERT INTO idea_audience (idea_id, person) SELECT @ideaId, p FROM unnest(@people) AS p ON CONFLICT DO NOTHING RETURNING 1)
            UPDATE idea_elements SET audience = audience + (SELECT count(*) FROM joined) WHERE idea_id = @ideaId
            """, new { ideaId, people = people.ToArray() }, tx);
    }

    /// <summary>Moves a counter (follows or comments) of an idea by <paramref name="by"/>.</summary>
    public static Task CountAsync(NpgsqlTransaction tx, Guid ideaId, string counter, int by) =>
        tx.Connection!.ExecuteAsync($"UPDATE idea_elements SET {counter} = greatest({counter} + @by, 0) WHERE idea_id = @ideaId", new { ideaId, by }, tx);

    /// <summary>
    /// A VotesTallied window in two statements however many ideas it counts: totals only grow,
    /// and the voters join each idea's audience. Rows are taken in idea order, so windows applied
    /// side by side wait for each other rather than deadlock.
    /// </summary>
    public static async Task TalliedAsync(NpgsqlTransaction tx, Guid cycleId, IReadOnlyList<IdeaVoteCount> counts)
    {
        var ordered = counts.OrderBy(c => c.IdeaId).ToList();
        await tx.Connection!.ExecuteAsync(
            """
            INSERT INTO idea_elements (idea_id, cycle_id, votes) SELECT i, @cycleId, v FROM unnest(@ideas, @totals) AS c(i, v) ORDER BY i
            ON CONFLICT (idea_id) DO UPDATE SET votes = greatest(idea_elements.votes, excluded.votes)
            """, new { cycleId, ideas = ordered.Select(c => c.IdeaId).ToArray(), totals = ordered.Select(c => c.TotalVotes).ToArray() }, tx);
        var audience = ordered.SelectMany(c => (c.Voters ?? []).Select(v => (c.IdeaId, Person: v))).ToList();
        if (audience.Count > 0)
        {
            await tx.Connection!.ExecuteAsync(
                """
                WITH joined AS (
                    INSERT INTO idea_audience (idea_id, person) SELECT * FROM unnest(@ideas, @people) ON CONFLICT DO NOTHING RETURNING idea_id)
                UPDATE idea_elements e SET audience = e.audience + j.n
                FROM (SELECT idea_id, count(*) AS n FROM joined GROUP BY idea_id) j WHERE e.idea_id = j.idea_id
                """, new { ideas = audience.Select(a => a.IdeaId).ToArray(), people = audience.Select(a => a.Person).ToArray() }, tx);
        }
    }

    public Task<ElementsRow> GetAsync(Guid ideaId, CancellationToken ct) =>
        dataSource.SingleOrNotFoundAsync<ElementsRow>($"SELECT {Columns} FROM idea_elements WHERE idea_id = @ideaId", new { ideaId }, $"No idea has id {ideaId}.", ct);

    public async Task<IReadOnlyList<ElementsRow>> RankAsync(Guid cycleId, string element, int offset, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ElementsRow>(
            $"SELECT {Columns} FROM idea_elements WHERE cycle_id = @cycleId ORDER BY {Order[element]} DESC, idea_id OFFSET @offset LIMIT @limit",
            new { cycleId, offset, limit })).AsList();
    }
}
