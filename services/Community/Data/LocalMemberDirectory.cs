using ConductorMesh.ServiceDefaults.Auth;

namespace ConductorMesh.Community.Data;

/// <summary>Community keeps the members, so it answers whose a member is from its own table.</summary>
public sealed class LocalMemberDirectory(MembersStore members) : IMemberDirectory
{
    public Task<string?> PartnerOfAsync(string memberId, CancellationToken ct) =>
        Guid.TryParse(memberId, out var id) ? members.PartnerOfAsync(id, ct) : Task.FromResult<string?>(null);
}
