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
}
