using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// Every call passes its RPC's access rule before the handler runs. The messages of a client stream
/// are checked as the handler reads them (<see cref="CheckedRequestStream{T}"/>): each names a member
/// or moderator the caller must be allowed to act as, and each beyond the first counts against the
/// caller's limits as a call of its own would. Every request a partner makes for a member, a call or
/// a streamed message, also counts against that member's limit. Server streams are bounded per
/// caller (<see cref="StreamLimits"/>).
/// </summary>
public sealed class AccessInterceptor(CallerAccess access, MeshRateLimiter limits, StreamLimits streams) : Interceptor
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
        using var slot = streams.Open(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var rule = await access.AuthorizeAsync(context);
        return await continuation(rule is null ? requestStream : Checked(requestStream, rule, context), context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        // Reflection is the only duplex service today, and needs no token; an API one is checked as client streams are.
        var rule = await access.AuthorizeAsync(context);
        await continuation(rule is null ? requestStream : Checked(requestStream, rule, context), responseStream, context);
    }

    private CheckedRequestStream<TRequest> Checked<TRequest>(IAsyncStreamReader<TRequest> requestStream, RpcAccess rule, ServerCallContext context)
    {
        var first = true;
        return new CheckedRequestStream<TRequest>(requestStream, async message =>
        {
            // The call itself paid for its first message at the door.
            if (!first)
            {
                limits.Charge(context.GetHttpContext());
            }
            first = false;
            if (message is IMessage checkedMessage)
            {
                await ActsAsAsync(rule, context, checkedMessage);
            }
        });
    }

    private async Task CheckAsync<TRequest>(TRequest request, ServerCallContext context)
    {
        if (await access.AuthorizeAsync(context) is { } rule && request is IMessage message)
        {
            await ActsAsAsync(rule, context, message);
        }
    }

    private async Task ActsAsAsync(RpcAccess rule, ServerCallContext context, IMessage message)
    {
        await access.EnsureActsAsAsync(rule, context, message);
        // A member token paid its own bucket at the door; a partner's request pays the member's too,
        // so a gateway cannot carry one member past the rate that member's own token is held to.
        if (MeshCaller.Of(context).Role == MeshClaims.Roles.Partner && rule.MemberIn(message) is { Length: > 0 } member)
        {
            limits.ChargeMember(member);
        }
    }
}
