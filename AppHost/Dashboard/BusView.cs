using System.Net.Http.Headers;
using System.Text.Json;
using ConductorMesh.AppHost.Hosting;
using ConductorMesh.AppHost.Resources;
using Npgsql;

namespace ConductorMesh.AppHost.Dashboard;

/// <summary>The bus: each RabbitMQ queue (depth, consumers, rates, from the management API) and each service's outbox backlog.</summary>
public sealed class BusView(DistributedApplication app)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public async Task<object> ReadAsync(CancellationToken ct)
    {
        var broker = app.Resource<RabbitMqBroker>("messaging");
        var queues = new List<object>();
        string? problem = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{broker.ManagementUrl}/api/queues");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
            using var response = await Http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
            foreach (var q in json.RootElement.EnumerateArray())
            {
                queues.Add(new
                {
                    name = q.GetProperty("name").GetString(),
                    messages = q.TryGetProperty("messages", out var m) ? m.GetInt64() : 0,
                    consumers = q.TryGetProperty("consumers", out var c) ? c.GetInt64() : 0,
                    publishRate = Rate(q, "publish_details"),
                    deliverRate = Rate(q, "deliver_get_details"),
                });
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            problem = $"RabbitMQ's management API did not answer: {e.Message}";
        }
        var outbox = new List<object>();
        var postgres = app.Resource<PostgresServer>("postgres");
        foreach (var service in app.Resources.OfType<ProjectResource>())
        {
            try
            {
                await using var connection = new NpgsqlConnection(postgres.ConnectionStringFor(service.Name));
                await connection.OpenAsync(ct);
                await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox WHERE sent_at IS NULL", connection);
                outbox.Add(new { service = service.Name, backlog = (long)(await count.ExecuteScalarAsync(ct))! });
            }
            catch (NpgsqlException e)
            {
                outbox.Add(new { service = service.Name, backlog = -1L, problem = e.Message });
            }
        }
        return new { queues, outbox, problem };
    }

    private static double Rate(JsonElement queue, string detail) =>
        queue.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty(detail, out var d) && d.TryGetProperty("rate", out var rate) ? rate.GetDouble() : 0;
}
