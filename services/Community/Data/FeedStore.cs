using ConductorMesh.ServiceDefaults.Data;
using Dapper;
using Npgsql;

namespace ConductorMesh.Community.Data;

/// <summary>Activities and the feeds read from them, newest first, paged by key.</summary>
public sealed class FeedStore(NpgsqlDataSource dataSource)
{
    /// <summary>The PostgreSQL channel each new activity's id is announced on, for live feeds on every replica.</summary>
    public const string Channel = "community_activity";

    private const string Columns = "a.id, a.idea_id, a.cycle_id, a.kind, a.summary, a.occurred_at, a.member_id";
    private const string Cursor = "(@AfterAt::timestamptz IS NULL OR (a.occurred_at, a.id) < (@AfterAt, @AfterId))";

    /// <summary>
    /// What belongs in member @member's feed (@memberId is the same member as a UUID, when it is
    /// one): activity on their own ideas, on ideas they follow, on ideas of members they follow,
    /// and about them (a new follower).
    /// </summary>
    private const string InFeed =
        """
        (a.member_id = @member
         OR a.idea_id IN (SELECT idea_id FROM ideas WHERE author_member_id = @member)
         OR a.idea_id IN (SELECT idea_id FROM follows WHERE follower_id = @memberId AND idea_id IS NOT NULL)
         OR a.idea_id IN (SELECT i.idea_id FROM follows f JOIN ideas i ON i.author_member_id = f.member_id::text WHERE f.follower_id = @memberId))
        """;

    /// <summary>Records an activity in the caller's transaction and announces it when that commits; the same id twice changes nothing.</summary>
    public static Task AddActivityAsync(NpgsqlTransaction tx, ActivityRow activity) =>
        tx.Connection!.ExecuteAsync(
            """
            WITH added AS (
                INSERT INTO activities (id, idea_id, cycle_id, kind, summary, occurred_at, member_id)
                VALUES (@Id, @IdeaId, @CycleId, @Kind, @Summary, @OccurredAt, @MemberId) ON CONFLICT DO NOTHING RETURNING id)
            SELECT pg_notify(@Channel, id::text) FROM added
            """,
            new { activity.Id, activity.IdeaId, activity.CycleId, activity.Kind, activity.Summary, activity.OccurredAt, activity.MemberId, Channel }, tx);

    public Task<IReadOnlyList<ActivityRow>> MemberFeedAsync(string member, (DateTime At, Guid Id)? after, int limit, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM activities a WHERE {InFeed} AND {Cursor}",
            new { member, memberId = MemberId(member), AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit }, ct);

    /// <summary>The activity, if it belongs in the member's feed.</summary>
    public async Task<ActivityRow?> InMemberFeedAsync(string member, Guid activityId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ActivityRow>(
            $"SELECT {Columns} FROM activities a WHERE a.id = @activityId AND {InFeed}", new { member, memberId = MemberId(member), activityId });
    }

    public Task<IReadOnlyList<ActivityRow>> IdeaActivityAsync(Guid ideaId, (DateTime At, Guid Id)? after, int limit, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM activities a WHERE a.idea_id = @ideaId AND {Cursor}",
            new { ideaId, AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit }, ct);

    private static Guid? MemberId(string member) => Guid.TryParse(member, out var id) ? id : null;

    private async Task<IReadOnlyList<ActivityRow>> QueryAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ActivityRow>($"{sql} ORDER BY a.occurred_at DESC, a.id DESC LIMIT @limit", parameters)).AsList();
    }
}
