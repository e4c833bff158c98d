using ConductorMesh.Community.V1;

namespace ConductorMesh.IntegrationTests.Community;

/// <summary>Registers members with handles no other test uses.</summary>
public sealed class People(MeshFixture mesh)
{
    public async Task<Member> RegisterAsync(string name) =>
        await mesh.Partner.Community.RegisterMemberAsync(new RegisterMemberRequest
        {
            Handle = $"{name}-{Guid.NewGuid():N}"[..30], DisplayName = name, Bio = $"{name} likes ideas", Location = "Austin, TX",
        });
}
