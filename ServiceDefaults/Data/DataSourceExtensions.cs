using ConductorMesh.ServiceDefaults.Grpc;
using Dapper;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Data;

public static class DataSourceExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it: a state change and the
    /// events it enqueues in the outbox succeed or fail together.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(
        this NpgsqlDataSource dataSource, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>The one row <paramref name="sql"/> finds, or NOT_FOUND with <paramref name="notFound"/> as the message.</summary>
    public static async Task<T> SingleOrNotFoundAsync<T>(this NpgsqlDataSource dataSource, string sql, object parameters, string notFound, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<T>(sql, parameters) ?? throw Check.NotFound(notFound);
    }
}
