using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ConductorMesh.AppHost.Resources;
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

    private static readonly (string Service, ServiceDescriptor Api)[] Apis =
    [
        ("ideas", ConductorMesh.Ideas.V1.IdeasReflection.Descriptor.Services[0]),
        ("voting", ConductorMesh.Voting.V1.VotingReflection.Descriptor.Services[0]),
        ("grants", ConductorMesh.Grants.V1.GrantsReflection.Descriptor.Services[0]),
        ("community", ConductorMesh.Community.V1.CommunityReflection.Descriptor.Services[0]),
    ];

    [Fact]
    public async Task Malformed_requests_to_every_rpc_get_a_clear_status_and_every_service_stays_up()
    {
        // Real ids among the random ones, so requests also get past the lookups to the checks behind them.
        var (program, cycle) = await new Scenario(mesh).OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await new Scenario(mesh).ApprovedAsync(cycle, "Fuzzed idea", "5k", "author-fuzz");
        var member = await mesh.Community.RegisterMemberAsync(new ConductorMesh.Community.V1.RegisterMemberRequest { Handle = $"fuzz-{Guid.NewGuid():N}"[..20], DisplayName = "Fuzz" });
        KnownIds = [program.Id, cycle.Id, idea.Id, member.Id];
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var failures = new List<string>();
        var answers = new Dictionary<StatusCode, int>();
        var sent = 0;
        foreach (var (service, api) in Apis)
        {
            using var channel = GrpcChannel.ForAddress(mesh.App.Resource<ProjectResource>(service).Url);
            var invoker = channel.CreateCallInvoker();
            foreach (var method in api.Methods)
            {
                for (var i = 0; i < RequestsPerRpc; i++)
                {
                    var request = RandomMessage(method.InputType, random, depth: 0);
                    var status = await CallAsync(invoker, method, request, random);
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
        foreach (var (service, _) in Apis)
        {
            using var channel = GrpcChannel.ForAddress(mesh.App.Resource<ProjectResource>(service).Url);
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            Assert.Equal((service, HealthCheckResponse.Types.ServingStatus.Serving), (service, health.Status));
            Assert.Equal(0, mesh.App.Resource<ProjectResource>(service).Restarts);
        }
    }

    private static async Task<Status> CallAsync(CallInvoker invoker, MethodDescriptor method, IMessage request, Random random)
    {
        var marshaller = Marshallers.Create<IMessage>(m => m.ToByteArray(), bytes => method.OutputType.Parser.ParseFrom(bytes));
        var requestMarshaller = Marshallers.Create<IMessage>(m => m.ToByteArray(), bytes => method.InputType.Parser.ParseFrom(bytes));
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (true, true) => MethodType.DuplexStreaming,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.Unary,
        };
        var rpc = new Method<IMessage, IMessage>(type, method.Service.FullName, method.Name, requestMarshaller, marshaller);
        // Streams that are valid would run until the deadline; a deadline is a clear answer too.
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(type == MethodType.ServerStreaming ? 1 : 10));
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(rpc, null, options, request);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(rpc, null, options, request))
                    {
                        while (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(rpc, null, options))
                    {
                        for (var n = random.Next(0, 5); n > 0; n--)
                        {
                            await call.RequestStream.WriteAsync(RandomMessage(method.InputType, random, 0));
                        }
                        await call.RequestStream.CompleteAsync();
                        await call.ResponseAsync;
                    }
                    break;
            }
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
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
