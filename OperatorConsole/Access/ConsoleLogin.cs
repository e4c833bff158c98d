using System.Security.Cryptography;
using System.Text;

namespace ConductorMesh.OperatorConsole.Access;

/// <summary>
/// Nothing is shown without the login the AppHost made for this run (the dashboard links to the
/// console with it): /login?t=TOKEN sets a cookie; API callers may send it as a bearer token.
/// </summary>
public sealed class ConsoleLogin(string token)
{
    private const string Cookie = "mesh-console";

    public bool Allows(HttpContext context) =>
        Matches(context.Request.Cookies[Cookie])
        || Matches(context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal));

    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(token));

    public void LogIn(HttpContext context) =>
        context.Response.Cookies.Append(Cookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true });
}
