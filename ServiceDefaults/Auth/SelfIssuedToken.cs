namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// A token that renews itself before it expires: a service's own token for calls to other
/// services (signed with its own key), or the operator token of local tools (signed by the issuer).
/// </summary>
public sealed class SelfIssuedToken(TokenSigner signer, string role, string? member = null, string? partner = null)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// A caller's tokens signed with its own key (<paramref name="privateKey"/>, base64 PKCS#8), bound
    /// to it: the services accept them only as <paramref name="role"/> <paramref name="subject"/>.
    /// </summary>
    public static SelfIssuedToken Own(string role, string subject, string privateKey) =>
        new(TokenSigner.FromPrivateKey(TrustedKeys.BoundKeyId(role, subject), privateKey), role, subject);
    private (string Token, DateTime RenewAt) current;

    public string Current
    {
        get
        {
            var now = DateTime.UtcNow;
            var held = current;
            if (held.Token is null || now >= held.RenewAt)
            {
                held = (MeshTokens.Issue(signer, role, partner, member, Lifetime, now), now + Lifetime / 2);
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
