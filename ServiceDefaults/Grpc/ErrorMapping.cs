using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Grpc;

/// <summary>
/// Turns what escapes a handler into a status a partner can act on, so that no caller ever
/// sees UNKNOWN (see <see cref="ErrorMapping"/>).
/// </summary>
public sealed class ErrorMappingInterceptor(ErrorMapping errors) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    private RpcException Map(Exception e, ServerCallContext context) => new(errors.StatusOf(e, context));
}

/// <summary>
/// The status a partner can act on for a failure: refusals are already <see cref="RpcException"/>s;
/// a lost database or a cancelled call become UNAVAILABLE or CANCELLED; anything else is INTERNAL
/// with a reference to the logged error. Used by the interceptor for a whole call, and by a bulk
/// call for each of its items.
/// </summary>
public sealed class ErrorMapping(ILogger<ErrorMapping> logger)
{
    public Status StatusOf(Exception e, ServerCallContext context)
    {
        if (e is RpcException refused)
        {
            return refused.Status;
        }
        if (e is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            var deadlinePassed = context.Deadline <= DateTime.UtcNow;
            return deadlinePassed
                ? new Status(StatusCode.DeadlineExceeded, "The call's deadline passed before it completed.")
                : new Status(StatusCode.Cancelled, "The call was cancelled by the caller.");
        }

        var reference = context.GetHttpContext().TraceIdentifier;
        // A server shut down or restarted under a pooled connection (57P01-57P03) is transient too.
        if (e is NpgsqlException { IsTransient: true } or PostgresException { SqlState: "57P01" or "57P02" or "57P03" } or TimeoutException)
        {
            logger.LogWarning(e, "Transient failure in {Method} ({Reference})", context.Method, reference);
            return new Status(StatusCode.Unavailable, $"A dependency of the service is unavailable; nothing was changed, try again (reference {reference}).");
        }

        logger.LogError(e, "Unexpected failure in {Method} ({Reference})", context.Method, reference);
        return new Status(StatusCode.Internal, $"The service failed unexpectedly; nothing was changed (reference {reference}).");
    }
}
