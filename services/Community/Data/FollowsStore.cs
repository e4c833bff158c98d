using ConductorMesh.Community.Domain;
using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Npgsql;

namespace ConductorMesh.Community.Data;

/// <summary>Members following members and ideas. A new follow is published and lands in the followed member's feed.</summary>
public sealed class FollowsStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, follower_id, member_id, idea_id, followed_at";

    public Task<long> FollowMemberAsync(Guid followerId, Guid memberId, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var follower = await MembersStore.ActiveAsync(tx, followerId);
            var followed = await connection.QuerySingleOrDefaultAsync<MemberRow>($"SELECT {MembersStore.Columns} FROM members WHERE id = @memberId FOR UPDATE", new { memberId }, tx)
                ?? throw Check.NotFound($"No member has id {memberId}.");
            var followedAt = await connection.QuerySingleOrDefaultAsync<DateTime?>(
                "INSERT INTO follows (id, follower_id, member_id) VALUES (@id, @followerId, @memberId) ON CONFLICT DO NOTHING RETURNING followed_at",
                new { id = Guid.CreateVersion7(), followerId, memberId }, tx);
            if (followedAt is null)
            {
                return followed.Followers;
            }
            var happened = new MemberFollowed(followerId, memberId);
            await tx.EnqueueAsync(happened);
            await FeedStore.AddActivityAsync(tx, new ActivityRow(happened.EventId, null, null, ActivityKinds.NewFollower,
                $"{follower.DisplayName} (@{follower.Handle}) started following you", followedAt.Value, memberId.ToString()));
            return await connection.ExecuteScalarAsync<long>("UPDATE members SET followers = followers + 1 WHERE id = @memberId RETURNING followers", new { memberId }, tx);
        }, ct);

    public Task<long> FollowIdeaAsync(Guid followerId, KnownIdea idea, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            await MembersStore.ActiveAsync(tx, followerId);
            var added = await connection.ExecuteAsync(
                "INSERT INTO follows (id, follower_id, idea_id) VALUES (@id, @followerId, @IdeaId) ON CONFLICT DO NOTHING",
                new { id = Guid.CreateVersion7(), followerId, idea.IdeaId }, tx);
            if (added > 0)
            {
                await tx.EnqueueAsync(new IdeaFollowed(followerId, idea.IdeaId));
                await ElementsStore.CountAsync(tx, idea.IdeaId, "follows", +1);
                await ElementsStore.JoinAudienceAsync(tx, idea.IdeaId, [followerId.ToString()]);
            }
            return await IdeaFollowersAsync(tx, idea.IdeaId);
        }, ct);

    public Task<long> UnfollowMemberAsync(Guid followerId, Guid memberId, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var removed = await connection.ExecuteAsync("DELETE FROM follows WHERE follower_id = @followerId AND member_id = @memberId", new { followerId, memberId }, tx);
            return await connection.QuerySingleOrDefaultAsync<long?>(
                "UPDATE members SET followers = followers - @removed WHERE id = @memberId RETURNING followers", new { memberId, removed }, tx)
                ?? throw Check.NotFound($"No member has id {memberId}.");
        }, ct);

    public Task<long> UnfollowIdeaAsync(Guid followerId, KnownIdea idea, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            if (await connection.ExecuteAsync("DELETE FROM follows WHERE follower_id = @followerId AND idea_id = @IdeaId", new { followerId, idea.IdeaId }, tx) > 0)
            {
                await ElementsStore.CountAsync(tx, idea.IdeaId, "follows", -1);
            }
            return await IdeaFollowersAsync(tx, idea.IdeaId);
        }, ct);

    /// <summary>Follows of a member or an idea (<paramref name="column"/> member_id or idea_id), or by a follower (follower_id), newest first.</summary>
    public async Task<IReadOnlyList<FollowRow>> ListAsync(string column, Guid id, (DateTime At, Guid Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<FollowRow>(
            $"""
            SELECT {Columns} FROM follows WHERE {column} = @id AND (@AfterAt::timestamptz IS NULL OR (followed_at, id) < (@AfterAt, @AfterId))
            ORDER BY followed_at DESC, id DESC LIMIT @limit
            """, new { id, AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit })).AsList();
    }

    private static Task<long> IdeaFollowersAsync(NpgsqlTransaction tx, Guid ideaId) =>
        tx.Connection!.ExecuteScalarAsync<long>("SELECT follows FROM idea_elements WHERE idea_id = @ideaId", new { ideaId }, tx);
}
