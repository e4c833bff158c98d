using Grpc.Core;

namespace ConductorMesh.IntegrationTests;

public static class Refused
{
    /// <summary>The call fails with <paramref name="status"/> and a message that mentions <paramref name="mentions"/>.</summary>
    public static async Task<RpcException> With(Func<Task> call, StatusCode status, string mentions)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(status, e.StatusCode);
        Assert.Contains(mentions, e.Status.Detail);
        return e;
    }
}
