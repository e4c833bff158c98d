using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Npgsql;

namespace ConductorMesh.Community.Data;

/// <summary>Members: registration, profile changes and suspension.</summary>
public sealed class MembersStore(NpgsqlDataSource dataSource)
{
    public const string Columns = "id, handle, display_name, bio, location, registered_at, suspended_at, suspension_reason, followers, partner";

    public Task<MemberRow> RegisterAsync(string handle, string displayName, string bio, string location, string partner, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var member = await connection.QuerySingleOrDefaultAsync<MemberRow>(
                $"""
                INSERT INTO members (id, handle, display_name, bio, location, partner) VALUES (@id, @handle, @displayName, @bio, @location, @partner)
                ON CONFLICT DO NOTHING RETURNING {Columns}
                """, new { id = Guid.CreateVersion7(), handle, displayName, bio, location, partner }, tx)
                ?? throw Check.AlreadyExists($"The handle '{handle}' is taken; choose another.");
            await tx.EnqueueAsync(new MemberRegistered(member.Id, member.Handle, member.DisplayName, member.Partner));
            return member;
        }, ct);

    public Task<MemberRow> GetAsync(Guid id, CancellationToken ct) =>
        dataSource.SingleOrNotFoundAsync<MemberRow>($"SELECT {Columns} FROM members WHERE id = @id", new { id }, $"No member has id {id}.", ct);

    public Task<MemberRow> GetByHandleAsync(string handle, CancellationToken ct) =>
        dataSource.SingleOrNotFoundAsync<MemberRow>($"SELECT {Columns} FROM members WHERE lower(handle) = lower(@handle)", new { handle }, $"No member has the handle '{handle}'.", ct);

    public Task<MemberRow> UpdateAsync(Guid id, string? displayName, string? bio, string? location, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            await ActiveAsync(tx, id);
            return await connection.QuerySingleAsync<MemberRow>(
                $"""
                UPDATE members SET display_name = COALESCE(@displayName, display_name), bio = COALESCE(@bio, bio), location = COALESCE(@location, location)
                WHERE id = @id RETURNING {Columns}
                """, new { id, displayName, bio, location }, tx);
        }, ct);

    public Task<MemberRow> SuspendAsync(Guid id, string reason, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
            await connection.QuerySingleOrDefaultAsync<MemberRow>(
                $"""
                UPDATE members SET suspended_at = COALESCE(suspended_at, now()), suspension_reason = COALESCE(suspension_reason, @reason)
                WHERE id = @id RETURNING {Columns}
                """, new { id, reason }, tx)
            ?? throw Check.NotFound($"No member has id {id}."), ct);

    /// <summary>The member's partner ("" for none), or null when no member has the id.</summary>
    public async Task<string?> PartnerOfAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>("SELECT partner FROM members WHERE id = @id", new { id });
    }

    /// <summary>The member, locked for the caller's transaction, if registered and not suspended.</summary>
    public static async Task<MemberRow> ActiveAsync(NpgsqlTransaction tx, Guid id)
    {
        var member = await tx.Connection!.QuerySingleOrDefaultAsync<MemberRow>($"SELECT {Columns} FROM members WHERE id = @id FOR SHARE", new { id }, tx)
            ?? throw Check.NotFound($"No member has id {id}; register first.");
        return member.SuspendedAt is { } at
            ? throw Check.Precondition($"Member {id} was suspended at {at:u} ({member.SuspensionReason}) and cannot do this.")
            : member;
    }
}
