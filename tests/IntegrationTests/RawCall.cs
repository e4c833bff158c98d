using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// Calls any RPC of the four APIs from its descriptor alone, for tests that go through every
/// RPC (hostile input, access rules) and must not miss one added later.
/// </summary>
public static class RawCall
{
    public static readonly (string Service, ServiceDescriptor Api)[] Apis =
    [
        ("ideas", ConductorMesh.Ideas.V1.IdeasReflection.Descriptor.Services[0]),
        ("voting", ConductorMesh.Voting.V1.VotingReflection.Descriptor.Services[0]),
        ("grants", ConductorMesh.Grants.V1.GrantsReflection.Descriptor.Services[0]),
        ("community", ConductorMesh.Community.V1.CommunityReflection.Descriptor.Services[0]),
    ];

    /// <summary>
    /// Sends <paramref name="request"/> (a client stream sends <paramref name="stream"/>, or the
    /// request alone) and answers the status and, for unary and client-streaming calls, the response.
    /// A server stream is read until it ends or its short deadline passes.
    /// </summary>
    public static async Task<(Status Status, IMessage? Response)> SendAsync(
        GrpcChannel channel, MethodDescriptor method, IMessage request, Metadata? headers, IEnumerable<IMessage>? stream = null)
    {
        var invoker = channel.CreateCallInvoker();
        var responses = Marshallers.Create<IMessage>(m => m.ToByteArray(), bytes => method.OutputType.Parser.ParseFrom(bytes));
        var requests = Marshallers.Create<IMessage>(m => m.ToByteArray(), bytes => method.InputType.Parser.ParseFrom(bytes));
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (true, true) => MethodType.DuplexStreaming,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.Unary,
        };
        var rpc = new Method<IMessage, IMessage>(type, method.Service.FullName, method.Name, requests, responses);
        // Streams that are valid would run until the deadline; a deadline is a clear answer too.
        var options = new CallOptions(headers, deadline: DateTime.UtcNow.AddSeconds(type == MethodType.ServerStreaming ? 1 : 10));
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    return (Status.DefaultSuccess, await invoker.AsyncUnaryCall(rpc, null, options, request));
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(rpc, null, options, request))
                    {
                        while (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    return (Status.DefaultSuccess, null);
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(rpc, null, options))
                    {
                        try
                        {
                            foreach (var message in stream ?? [request])
                            {
                                await call.RequestStream.WriteAsync(message);
                            }
                            await call.RequestStream.CompleteAsync();
                        }
                        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
                        {
                            // A server that refuses the call before reading answers while the
                            // client is still writing, and the write then fails with a status of
                            // its own (often CANCELLED); the call's answer is the server's.
                        }
                        return (Status.DefaultSuccess, await call.ResponseAsync);
                    }
                default:
                    throw new NotSupportedException($"{method.FullName}: no API has a duplex RPC.");
            }
        }
        catch (RpcException e)
        {
            return (e.Status, null);
        }
    }
}
