using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// Applies an RPC's access rule to a call: a valid token (UNAUTHENTICATED, saying what is wrong
/// with the token), one of the allowed roles (PERMISSION_DENIED), and the member or moderator
/// the request names being one the caller may act as (PERMISSION_DENIED).
/// </summary>
public sealed class CallerAccess(AccessRules rules, IMemberDirectory members)
{
    /// <summary>Checks the caller's token and role; answers the rule, or null for calls that need no token (health, reflection).</summary>
    public async Task<RpcAccess?> AuthorizeAsync(ServerCallContext context)
    {
        var rule = rules.For(context.Method);
        if (rule is null)
        {
            return null;
        }
        var http = context.GetHttpContext();
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            // The handler remembers its result for the request, so asking again costs nothing.
            var failure = (await http.AuthenticateAsync()).Failure;
            throw new RpcException(new Status(StatusCode.Unauthenticated, failure is null
                ? $"{rule.Method} needs a bearer token (header 'authorization: Bearer <token>'); ./mesh token issues one for local use."
                : $"The bearer token was refused: {Why(failure)}. Ask for a new token."));
        }
        var role = MeshCaller.Of(user).Role;
        if (role is null || !rule.Roles.Contains(role))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"{rule.Method} is for {string.Join(", ", rule.Roles)}; this token's role is {role ?? "not set"}."));
        }
        return rule;
    }

    /// <summary>Checks the member and moderator named in one request message (each message, for client streams).</summary>
    public async Task EnsureActsAsAsync(RpcAccess rule, ServerCallContext context, IMessage request)
    {
        var caller = MeshCaller.Of(context);
        if (caller.Role == MeshClaims.Roles.Moderator && rule.ModeratorIn(request) is { Length: > 0 } moderator && moderator != caller.Member)
        {
            throw Denied($"A moderator token acts only as its own moderator: {rule.ModeratorField} must be '{caller.Member}', not '{moderator}'.");
        }
        if (rule.MemberIn(request) is not { Length: > 0 } member)
        {
            return;
        }
        if (!await MayActForAsync(context, member))
        {
            throw Denied(caller.Role == MeshClaims.Roles.Member
                ? $"A member token acts only as its own member: {rule.MemberField} must be '{caller.Member}', not '{member}'."
                : $"Partner '{caller.Partner}' acts only for the members it registered; member '{member}' ({rule.MemberField}) is not one of them.");
        }
    }

    /// <summary>
    /// Whether the caller may act for the member: a member token as itself, a partner token for
    /// the members it registered; moderators, operators and services for anyone.
    /// </summary>
    public async Task<bool> MayActForAsync(ServerCallContext context, string member)
    {
        var caller = MeshCaller.Of(context);
        return caller.Role switch
        {
            MeshClaims.Roles.Member => caller.Member == member,
            MeshClaims.Roles.Partner => caller.Partner is { } partner && await PartnerOfAsync(context, member) == partner,
            _ => true,
        };
    }

    /// <summary>Unknown member ids a call may name before it is refused: each costs a lookup.</summary>
    public const int UnknownMembersPerCall = 100;

    /// <summary>How long an id that names no member is remembered as unknown.</summary>
    public static readonly TimeSpan RememberUnknown = TimeSpan.FromSeconds(5);

    // Ids found to name no member: a partner streaming made-up ids would otherwise cost a lookup in
    // Community per vote. Kept briefly, so a member registered a moment later is soon found.
    private readonly MemoryCache unknown = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private static readonly object UnknownInCall = new();

    private async Task<string?> PartnerOfAsync(ServerCallContext context, string member)
    {
        if (unknown.TryGetValue(member, out _))
        {
            return null;
        }
        var items = context.GetHttpContext().Items;
        var named = items[UnknownInCall] as int? ?? 0;
        if (named >= UnknownMembersPerCall)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"This call has named {UnknownMembersPerCall} member ids that no member has; no more are looked up in it. Register members before acting for them, and send the rest in a new call."));
        }
        var partner = await members.PartnerOfAsync(member, context.CancellationToken);
        if (partner is null)
        {
            items[UnknownInCall] = named + 1;
            unknown.Set(member, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RememberUnknown });
        }
        return partner;
    }

    private static RpcException Denied(string message) => new(new Status(StatusCode.PermissionDenied, message));

    private static string Why(Exception failure) => failure switch
    {
        SecurityTokenExpiredException e => $"it expired at {e.Expires:u}",
        SecurityTokenNotYetValidException e => $"it is not valid before {e.NotBefore:u}",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not match the issuer's keys",
        SecurityTokenInvalidSigningKeyException => "its key signs only for the caller it belongs to, and this token claims another role or name",
        SecurityTokenInvalidAlgorithmException => "it is signed with an algorithm (alg) this service does not accept",
        SecurityTokenInvalidIssuerException => "it comes from another issuer",
        SecurityTokenInvalidAudienceException => "it is meant for another audience",
        SecurityTokenMalformedException or ArgumentException => "it is not a well-formed JWT",
        _ => "it is not valid",
    };
}
