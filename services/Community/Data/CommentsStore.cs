using ConductorMesh.Community.Domain;
using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ConductorMesh.Community.Data;

/// <summary>
/// Conversations on ideas: threaded comments, edited and deleted by their authors, hidden after
/// enough reports from different members or by moderators. Every change locks the comment's row.
/// </summary>
public sealed class CommentsStore(NpgsqlDataSource dataSource, IOptions<CommunityRules> rules)
{
    public const string Visible = "visible";
    public const string Hidden = "hidden";
    public const string Deleted = "deleted";

    private const string Columns = "id, idea_id, parent_id, author_id, body, state, depth, path, reports, posted_at, edited_at";

    public Task<CommentRow> PostAsync(KnownIdea idea, Guid authorId, string body, Guid? parentId, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var author = await MembersStore.ActiveAsync(tx, authorId);
            var id = Guid.CreateVersion7();
            var (depth, path) = (0, id.ToString("N"));
            if (parentId is { } pid)
            {
                var parent = await LockAsync(tx, pid);
                if (parent.IdeaId != idea.IdeaId)
                {
                    throw Check.Invalid("parent_id", $"comment {pid} is on another idea");
                }
                if (parent.State == Deleted)
                {
                    throw Check.Precondition($"Comment {pid} was deleted; reply to the idea or to another comment.");
                }
                (depth, path) = (parent.Depth + 1, $"{parent.Path}/{path}");
            }
            var comment = await connection.QuerySingleAsync<CommentRow>(
                $"""
                INSERT INTO comments (id, idea_id, parent_id, author_id, body, depth, path) VALUES (@id, @IdeaId, @parentId, @authorId, @body, @depth, @path)
                RETURNING {Columns}
                """, new { id, idea.IdeaId, parentId, authorId, body, depth, path }, tx);
            var posted = new CommentPosted(id, idea.IdeaId, parentId, authorId);
            await tx.EnqueueAsync(posted);
            await FeedStore.AddActivityAsync(tx, new ActivityRow(posted.EventId, idea.IdeaId, idea.CycleId, ActivityKinds.CommentPosted,
                $"{author.DisplayName} (@{author.Handle}) commented on \"{idea.Title}\"", comment.PostedAt));
            await ElementsStore.CountAsync(tx, idea.IdeaId, "comments", +1);
            await ElementsStore.JoinAudienceAsync(tx, idea.IdeaId, [authorId.ToString()]);
            return comment;
        }, ct);

    public Task<CommentRow> EditAsync(Guid id, Guid authorId, string body, CancellationToken ct) =>
        ByAuthorAsync(id, authorId, async (tx, comment) =>
        {
            await MembersStore.ActiveAsync(tx, authorId);
            if (comment.State != Visible)
            {
                throw Check.Precondition($"Comment {id} is {comment.State} and cannot be edited.");
            }
            return await SetAsync(tx, id, "body = @body, edited_at = now()", new { body });
        }, ct);

    public Task<CommentRow> DeleteAsync(Guid id, Guid authorId, CancellationToken ct) =>
        ByAuthorAsync(id, authorId, (tx, comment) =>
            comment.State == Deleted ? Task.FromResult(comment) : SetAsync(tx, id, "state = 'deleted'", new { }), ct);

    /// <summary>A report from a member who has not reported it yet counts; enough of them hide the comment.</summary>
    public Task<CommentRow> ReportAsync(Guid id, Guid reporterId, string reason, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            await MembersStore.ActiveAsync(tx, reporterId);
            var comment = await LockAsync(tx, id);
            if (comment.AuthorId == reporterId)
            {
                throw Check.Precondition("Members cannot report their own comments; delete it instead.");
            }
            if (comment.State != Visible || await connection.ExecuteAsync(
                    "INSERT INTO comment_reports (comment_id, reporter_id, reason) VALUES (@id, @reporterId, @reason) ON CONFLICT DO NOTHING",
                    new { id, reporterId, reason }, tx) == 0)
            {
                return comment;
            }
            var reported = await SetAsync(tx, id, "reports = reports + 1", new { });
            return reported.Reports >= rules.Value.HideAfterReports
                ? await HideAsync(tx, reported, "reports", $"reported by {reported.Reports} members")
                : reported;
        }, ct);

    /// <summary>Moderators hide a comment, or restore a hidden one and clear its reports.</summary>
    public Task<CommentRow> ModerateAsync(Guid id, string moderatorId, bool hide, string reason, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var comment = await LockAsync(tx, id);
            if (comment.State == Deleted)
            {
                throw Check.Precondition($"Comment {id} was deleted by its author.");
            }
            if (hide)
            {
                return comment.State == Hidden ? comment : await HideAsync(tx, comment, moderatorId, reason);
            }
            await connection.ExecuteAsync("DELETE FROM comment_reports WHERE comment_id = @id", new { id }, tx);
            return await SetAsync(tx, id, "state = 'visible', reports = 0", new { });
        }, ct);

    /// <summary>An idea's comments in thread order (each followed by its replies), after the comment <paramref name="afterId"/>.</summary>
    public async Task<IReadOnlyList<CommentRow>> ThreadAsync(Guid ideaId, Guid? afterId, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CommentRow>(
            $"""
            SELECT {Columns} FROM comments WHERE idea_id = @ideaId
              AND (@afterId::uuid IS NULL OR path > (SELECT path FROM comments WHERE id = @afterId))
            ORDER BY path LIMIT @limit
            """, new { ideaId, afterId, limit })).AsList();
    }

    private async Task<CommentRow> ByAuthorAsync(Guid id, Guid authorId, Func<NpgsqlTransaction, CommentRow, Task<CommentRow>> change, CancellationToken ct) =>
        await dataSource.InTransactionAsync(async (_, tx) =>
        {
            var comment = await LockAsync(tx, id);
            return comment.AuthorId == authorId
                ? await change(tx, comment)
                : throw new RpcException(new Status(StatusCode.PermissionDenied, $"Only its author ({comment.AuthorId}) may change comment {id}."));
        }, ct);

    private static async Task<CommentRow> HideAsync(NpgsqlTransaction tx, CommentRow comment, string by, string reason)
    {
        var hidden = await SetAsync(tx, comment.Id, "state = 'hidden'", new { });
        await tx.EnqueueAsync(new CommentHidden(comment.Id, comment.IdeaId, by, reason));
        return hidden;
    }

    private static async Task<CommentRow> LockAsync(NpgsqlTransaction tx, Guid id) =>
        await tx.Connection!.QuerySingleOrDefaultAsync<CommentRow>($"SELECT {Columns} FROM comments WHERE id = @id FOR UPDATE", new { id }, tx)
        ?? throw Check.NotFound($"No comment has id {id}.");

    private static Task<CommentRow> SetAsync(NpgsqlTransaction tx, Guid id, string set, object values)
    {
        var parameters = new DynamicParameters(values);
        parameters.Add("id", id);
        return tx.Connection!.QuerySingleAsync<CommentRow>($"UPDATE comments SET {set} WHERE id = @id RETURNING {Columns}", parameters, tx);
    }
}
