using Grpc.Core;

namespace ConductorMesh.ServiceDefaults.Grpc;

/// <summary>
/// A question to another service on behalf of a caller. The callee's NOT_FOUND becomes ours;
/// any other failure becomes UNAVAILABLE ("nothing was changed, try again"), never the callee's
/// raw status, so a caller is not told INTERNAL for a neighbour's outage.
/// </summary>
public static class Downstream
{
    /// <param name="passedOn">The callee's refusals that are the caller's answer as they stand (such as FAILED_PRECONDITION).</param>
    public static async Task<T> AskAsync<T>(Func<Task<T>> call, string notFound, string what, params StatusCode[] passedOn)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            throw Check.NotFound(notFound);
        }
        catch (RpcException e) when (passedOn.Contains(e.StatusCode))
        {
            throw new RpcException(e.Status);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Could not confirm {what} ({e.Status.Detail}); nothing was changed, try again."));
        }
    }
}
