using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>Which partner registered a member, to decide whether a partner token may act for them.</summary>
public interface IMemberDirectory
{
    /// <summary>The member's partner ("" for none); null when no member has that id.</summary>
    Task<string?> PartnerOfAsync(string memberId, CancellationToken ct);
}

/// <summary>
/// Asks Community, which keeps the members, and remembers the answer: a member's partner never
/// changes. Ids that name no member are remembered only briefly, by <see cref="CallerAccess"/>.
/// </summary>
public sealed class CommunityMemberDirectory(CommunityApi.CommunityApiClient community) : IMemberDirectory
{
    private readonly MemoryCache known = new(new MemoryCacheOptions { SizeLimit = 200_000 });

    public async Task<string?> PartnerOfAsync(string memberId, CancellationToken ct)
    {
        if (known.TryGetValue(memberId, out string? partner))
        {
            return partner;
        }
        if (!Guid.TryParse(memberId, out _))
        {
            return null; // Community's ids are UUIDs
        }
        try
        {
            var member = await Downstream.AskAsync(
                () => community.GetMemberAsync(new GetMemberRequest { MemberId = memberId }, cancellationToken: ct).ResponseAsync,
                $"No member has id {memberId}.", $"member {memberId} with Community");
            known.Set(memberId, member.Partner, new MemoryCacheEntryOptions { Size = 1 });
            return member.Partner;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }
}
