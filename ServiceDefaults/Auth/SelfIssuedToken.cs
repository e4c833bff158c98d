namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// A token that renews itself before it expires, made with the local signing key: a service's
/// own token for calls to other services, or the operator token of local tools.
/// </summary>
public sealed class SelfIssuedToken(byte[] signingKey, string role, string? member = null, string? partner = null)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private (string Token, DateTime RenewAt) current;

    public string Current
    {
        get
        {
            var now = DateTime.UtcNow;
            var held = current;
            if (held.Token is null || now >= held.RenewAt)
            {
                held = (MeshTokens.Issue(signingKey, role, partner, member, Lifetime, now), now + Lifetime / 2);
                current = held;
            }
            return held.Token;
        }
    }
}

/// <summary>The token a service sends with its calls to the other services.</summary>
public sealed class ServiceCredential(Func<string> token)
{
    public string Current => token();
}
