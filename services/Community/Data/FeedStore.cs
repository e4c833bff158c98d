using ConductorMesh.ServiceDefaults.Data;
using Dapper;
using Npgsql;

namespace ConductorMesh.Community.Data;

/// <summary>Activities and the feeds read from them, newest first, paged by key.</summary>
public sealed class FeedStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "a.id, a.idea_id, a.cycle_id, a.kind, a.summary, a.occurred_at";
    private const string Cursor = "(@AfterAt::timestamptz IS NULL OR (a.occurred_at, a.id) < (@AfterAt, @AfterId))";

    public static Task AddIdeaAsync(NpgsqlTransaction tx, Guid ideaId, Guid cycleId, string author, string title) =>
        tx.Connection!.ExecuteAsync(
            "INSERT INTO ideas (idea_id, cycle_id, author_member_id, title) VALUES (@ideaId, @cycleId, @author, @title) ON CONFLICT DO NOTHING",
            new { ideaId, cycleId, author, title }, tx);

    public static Task AddActivityAsync(NpgsqlTransaction tx, ActivityRow activity) =>
        tx.Connection!.ExecuteAsync(
            "INSERT INTO activities (id, idea_id, cycle_id, kind, summary, occurred_at) VALUES (@Id, @IdeaId, @CycleId, @Kind, @Summary, @OccurredAt) ON CONFLICT DO NOTHING",
            activity, tx);

    /// <summary>A member's feed: activity on the ideas they submitted.</summary>
    public Task<IReadOnlyList<ActivityRow>> MemberFeedAsync(string memberId, (DateTime At, Guid Id)? after, int limit, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM activities a JOIN ideas i ON i.idea_id = a.idea_id WHERE i.author_member_id = @memberId AND {Cursor}",
            new { memberId, AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit }, ct);

    public Task<IReadOnlyList<ActivityRow>> IdeaActivityAsync(Guid ideaId, (DateTime At, Guid Id)? after, int limit, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM activities a WHERE a.idea_id = @ideaId AND {Cursor}",
            new { ideaId, AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit }, ct);

    private async Task<IReadOnlyList<ActivityRow>> QueryAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ActivityRow>($"{sql} ORDER BY a.occurred_at DESC, a.id DESC LIMIT @limit", parameters)).AsList();
    }
}
