using ConductorMesh.ServiceDefaults.Messaging;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace ConductorMesh.OperatorConsole.Views;

/// <summary>
/// The bus: each RabbitMQ queue (depth, consumers, rates, from the management API), the events
/// that failed for good (the first few of each <c>_error</c> queue), and each service's outbox backlog.
/// </summary>
public sealed class BusView(HttpClient http, IConfiguration configuration, FailedEvents failedEvents)
{
    private static readonly string[] Services = ["ideas", "voting", "grants", "community"];

    public async Task<object> ReadAsync(CancellationToken ct)
    {
        var (queues, problem) = await QueuesAsync(ct);
        var failed = new List<object>();
        foreach (var (name, count) in queues.Where(q => q.Name.EndsWith(FailedEvents.Suffix, StringComparison.Ordinal) && q.Messages > 0)
                     .Select(q => (q.Name, q.Messages)))
        {
            try
            {
                failed.Add(new { queue = name, count, first = await failedEvents.PeekAsync(name, 5, ct) });
            }
            catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException)
            {
                failed.Add(new { queue = name, count, first = Array.Empty<FailedEvents.Failed>(), problem = e.Message });
            }
        }
        var outbox = new List<object>();
        foreach (var service in Services)
        {
            try
            {
                await using var connection = new NpgsqlConnection(configuration.GetConnectionString($"{service}db"));
                await connection.OpenAsync(ct);
                await using var count = new NpgsqlCommand(Outbox.BacklogSql, connection);
                await using var reader = await count.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                outbox.Add(new { service, backlog = reader.GetInt64(0), oldestSeconds = Convert.ToDouble(reader.GetValue(1)), setAside = reader.GetInt64(2) });
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                outbox.Add(new { service, backlog = -1L, oldestSeconds = 0.0, setAside = 0L, problem = e.Message });
            }
        }
        return new { queues, failed, outbox, problem };
    }

    public sealed record Queue(string Name, long Messages, long Consumers, double PublishRate, double DeliverRate);

    private async Task<(List<Queue> Queues, string? Problem)> QueuesAsync(CancellationToken ct)
    {
        var queues = new List<Queue>();
        if (configuration["RabbitMq:ManagementUrl"] is not { } management)
        {
            return (queues, "The broker's management API is not known here (an existing broker was named).");
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{management}/api/queues");
            // The broker's user and password are those of the console's own bus connection.
            var user = new Uri(configuration.GetConnectionString("messaging") ?? "amqp://localhost").UserInfo;
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(user))));
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
            foreach (var q in json.RootElement.EnumerateArray())
            {
                queues.Add(new Queue(
                    q.GetProperty("name").GetString()!,
                    q.TryGetProperty("messages", out var m) ? m.GetInt64() : 0,
                    q.TryGetProperty("consumers", out var c) ? c.GetInt64() : 0,
                    Rate(q, "publish_details"),
                    Rate(q, "deliver_get_details")));
            }
            return (queues, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (queues, $"RabbitMQ's management API did not answer: {e.Message}");
        }
    }

    private static double Rate(JsonElement queue, string detail) =>
        queue.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty(detail, out var d)
        && d.TryGetProperty("rate", out var rate) ? rate.GetDouble() : 0;
}
