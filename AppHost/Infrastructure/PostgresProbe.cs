using Npgsql;

namespace ConductorMesh.AppHost.Infrastructure;

public static class PostgresProbe
{
    /// <summary>Healthy: the server (or database) accepts a new connection.</summary>
    public static async Task CanConnectAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=3");
        await connection.OpenAsync(ct);
    }
}
