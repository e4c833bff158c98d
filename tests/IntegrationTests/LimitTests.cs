using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests;

/// <summary>Rate limits per member and per partner: a caller over its limit is told to come back later; others are not held up.</summary>
[Collection(MeshCollection.Name)]
public sealed class LimitTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    private async Task<Status> AskAsync(GetAllowanceRequest request, Metadata token)
    {
        try
        {
            await mesh.Voting.GetAllowanceAsync(request, token);
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    [Fact]
    public async Task A_member_over_the_limit_is_refused_with_a_retry_hint_and_others_are_not()
    {
        var (program, _) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var (busy, calm) = ($"busy-{Guid.NewGuid():N}", $"calm-{Guid.NewGuid():N}");
        GetAllowanceRequest Request(string member) => new() { VoterId = member, ProgramId = program.Id };

        // Twenty calls a second by default: a burst of 60 at once goes over.
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => AskAsync(Request(busy), mesh.AsMember(busy))));

        Assert.Contains(answers, a => a.StatusCode == StatusCode.OK);
        var refused = answers.Where(a => a.StatusCode != StatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.Equal(StatusCode.ResourceExhausted, a.StatusCode));
        Assert.All(refused, a => Assert.Matches(@"retry after \d+ ms", a.Detail));
        Assert.Equal(StatusCode.OK, (await AskAsync(Request(calm), mesh.AsMember(calm))).StatusCode);
        Assert.Equal(StatusCode.OK, (await AskAsync(Request(busy), mesh.As(MeshClaims.Roles.Operator))).StatusCode);
    }
}
