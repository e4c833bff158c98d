using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ConductorMesh.ServiceDefaults.Auth;
using Xunit.Abstractions;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// Hostile input: thousands of randomized, malformed requests to every RPC of every service
/// (random bytes in text fields, huge strings, negative and huge numbers, unknown enum values,
/// missing fields). No answer may be UNKNOWN or INTERNAL, and every service still answers its
/// health check as SERVING afterwards.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class FuzzTests(MeshFixture mesh, ITestOutputHelper output)
{
    private const int RequestsPerRpc = 40;

    [Fact]
    public async Task Malformed_requests_to_every_rpc_get_a_clear_status_and_every_service_stays_up()
    {
        // Real ids among the random ones, so requests also get past the lookups to the checks behind them.
        var (program, cycle) = await new Scenario(mesh).OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await new Scenario(mesh).ApprovedAsync(cycle, "Fuzzed idea", "5k", "author-fuzz");
        var member = await mesh.NewMemberAsync("fuzz");
        KnownIds = [program.Id, cycle.Id, idea.Id, member];
        var restartsBefore = RawCall.Apis.ToDictionary(a => a.Service, a => mesh.Restarts(a.Service));
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var failures = new List<string>();
        var answers = new Dictionary<StatusCode, int>();
        var sent = 0;
        foreach (var (service, api) in RawCall.Apis)
        {
            using var channel = GrpcChannel.ForAddress(mesh.Url(service));
            foreach (var method in api.Methods)
            {
                for (var i = 0; i < RequestsPerRpc; i++)
                {
                    var request = RandomMessage(method.InputType, random, depth: 0);
                    var stream = Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomMessage(method.InputType, random, 0)).ToList();
                    var (status, _) = await RawCall.SendAsync(channel, method, request, Token(method, request, random), stream);
                    sent++;
                    answers[status.StatusCode] = answers.GetValueOrDefault(status.StatusCode) + 1;
                    if (status.StatusCode is StatusCode.Unknown or StatusCode.Internal)
                    {
                        failures.Add($"{method.FullName} answered {status.StatusCode} ({status.Detail}) to {request}");
                    }
                }
            }
        }
        output.WriteLine($"{sent} requests sent; answers: {string.Join(", ", answers.OrderByDescending(a => a.Value).Select(a => $"{a.Key} {a.Value}"))}");

        Assert.True(sent >= 2000, $"only {sent} requests");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        foreach (var (service, _) in RawCall.Apis)
        {
            using var channel = GrpcChannel.ForAddress(mesh.Url(service));
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            Assert.Equal((service, HealthCheckResponse.Types.ServingStatus.Serving), (service, health.Status));
            Assert.Equal((service, restartsBefore[service]), (service, mesh.Restarts(service)));
        }
    }

    /// <summary>
    /// Mostly a token of a role the RPC allows, acting as the member or moderator the request
    /// names, so requests reach the checks behind the access rules; sometimes none or a broken one.
    /// </summary>
    private Metadata? Token(MethodDescriptor method, IMessage request, Random random)
    {
        if (random.Next(10) == 0)
        {
            var garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            return random.Next(2) == 0 ? null : MeshFixture.Bearer(Convert.ToBase64String(garbage));
        }
        var rule = AccessRules.Of(method);
        var role = rule.Roles[random.Next(rule.Roles.Count)];
        var actsAs = role switch
        {
            MeshClaims.Roles.Member => rule.MemberIn(request),
            MeshClaims.Roles.Moderator => rule.ModeratorIn(request),
            _ => null,
        };
        // A name too long for a header is sent as another; the service still sees the long one in the request.
        return mesh.As(role, role == MeshClaims.Roles.Partner ? MeshFixture.TestPartner : null, actsAs is { Length: > 0 and < 1000 } ? actsAs : "someone");
    }

    /// <summary>A message whose fields are each left out, or set to something a careless or hostile caller might send.</summary>
    private static IMessage RandomMessage(MessageDescriptor type, Random random, int depth)
    {
        var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            if (random.Next(4) == 0)
            {
                continue; // missing
            }
            if (field.IsRepeated)
            {
                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                for (var n = random.Next(0, 4); n > 0; n--)
                {
                    if (RandomValue(field, random, depth) is { } value)
                    {
                        list.Add(value);
                    }
                }
            }
            else if (!field.IsMap && RandomValue(field, random, depth) is { } value)
            {
                field.Accessor.SetValue(message, value);
            }
        }
        return message;
    }

    private static object? RandomValue(FieldDescriptor field, Random random, int depth) => field.FieldType switch
    {
        FieldType.String => RandomText(random),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => random.Next(5) switch
        {
            0 => int.MinValue, 1 => int.MaxValue, 2 => -1, 3 => 0, _ => random.Next(-1000, 100_000),
        },
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => random.Next(5) switch
        {
            0 => long.MinValue, 1 => long.MaxValue, 2 => -1L, 3 => 0L, _ => random.NextInt64(-1000, 10_000_000),
        },
        FieldType.Bool => random.Next(2) == 0,
        FieldType.Double => random.Next(3) switch { 0 => double.NaN, 1 => double.MaxValue, _ => random.NextDouble() },
        // Unknown values as well as known ones.
        FieldType.Enum => random.Next(3) == 0 ? random.Next(-5, 1000) : field.EnumType.Values[random.Next(field.EnumType.Values.Count)].Number,
        FieldType.Message when depth < 2 => field.MessageType.FullName switch
        {
            "google.protobuf.Timestamp" => new Google.Protobuf.WellKnownTypes.Timestamp
            {
                Seconds = random.Next(3) switch { 0 => -62135596800L - 10, 1 => 253402300799L + 10, _ => DateTimeOffset.UtcNow.ToUnixTimeSeconds() + random.Next(-100_000, 100_000) },
                Nanos = random.Next(4) == 0 ? -1 : random.Next(0, 999_999_999),
            },
            "google.protobuf.FieldMask" => new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { RandomText(random), "name", "title" } },
            _ => RandomMessage(field.MessageType, random, depth + 1),
        },
        _ => null,
    };

    private static string[] KnownIds = [];

    private static string RandomText(Random random) => random.Next(9) switch
    {
        7 or 8 when KnownIds.Length > 0 => KnownIds[random.Next(KnownIds.Length)],
        0 => "",
        1 => new string('x', random.Next(1000, 100_000)),
        2 => Guid.NewGuid().ToString(),
        3 => "   ",
        4 => "<script>alert(1)</script>",
        5 => new string(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0, 0xD7FF)).ToArray()),
        _ => $"ok-{random.Next(1000)}",
    };
}
