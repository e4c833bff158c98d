using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace ConductorMesh.AppHost.Dashboard;

/// <summary>
/// Nothing is shown without the login token printed by <c>./mesh up</c> (as Aspire's dashboard
/// does): /login?t=TOKEN sets a cookie; API callers may send it as a bearer token instead.
/// </summary>
public sealed class DashboardAccess
{
    private const string Cookie = "mesh-dashboard";

    public string Token { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    public bool Allows(HttpContext context) =>
        Matches(context.Request.Cookies[Cookie]) || Matches(context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal));

    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(candidate), System.Text.Encoding.UTF8.GetBytes(Token));

    public void LogIn(HttpContext context) =>
        context.Response.Cookies.Append(Cookie, Token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true });
}
