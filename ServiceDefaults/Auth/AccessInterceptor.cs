using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// Every call passes its RPC's access rule before the handler runs. Client streams are checked
/// for token and role here, and each message by the handler (<see cref="CallerAccess.EnsureActsAsAsync(ServerCallContext, IMessage)"/>),
/// so one refused message is one refused outcome rather than the end of the stream.
/// </summary>
public sealed class AccessInterceptor(CallerAccess access) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync(request, context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync(request, context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await access.AuthorizeAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        // Reflection is the only duplex service, and needs no token; an API duplex RPC would check each message as client streams do.
        await access.AuthorizeAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task CheckAsync<TRequest>(TRequest request, ServerCallContext context)
    {
        if (await access.AuthorizeAsync(context) is { } rule && request is IMessage message)
        {
            await access.EnsureActsAsAsync(rule, context, message);
        }
    }
}
