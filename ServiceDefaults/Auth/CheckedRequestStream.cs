using Grpc.Core;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// A message of a client stream that its RPC's access rule or the caller's limits refused. The
/// stream goes on: a handler that answers per message (as <c>CastVotes</c> does) catches this and
/// reads on; any other handler lets it end the call with the refusal's status.
/// </summary>
public sealed class MessageRefusedException(Status status) : RpcException(status);

/// <summary>
/// A client stream whose every message passes <paramref name="check"/> before the handler sees it,
/// so no client-streaming RPC, present or future, can forget to check what each message claims.
/// </summary>
public sealed class CheckedRequestStream<T>(IAsyncStreamReader<T> inner, Func<T, Task> check) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (!await inner.MoveNext(cancellationToken))
        {
            return false;
        }
        try
        {
            await check(inner.Current);
        }
        catch (RpcException e) when (e is not MessageRefusedException && e.StatusCode != StatusCode.Cancelled)
        {
            throw new MessageRefusedException(e.Status);
        }
        return true;
    }
}
