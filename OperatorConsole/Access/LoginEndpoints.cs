namespace ConductorMesh.OperatorConsole.Access;

public static class LoginEndpoints
{
    /// <summary>Everything but the login page, its style and health asks for the login first.</summary>
    public static WebApplication UseConsoleLogin(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var open = path.StartsWithSegments("/login") || path == "/app.css" || path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");
            if (open || context.RequestServices.GetRequiredService<ConsoleLogin>().Allows(context))
            {
                await next(context);
            }
            else if (path.StartsWithSegments("/api"))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            }
            else
            {
                context.Response.Redirect("/login");
            }
        });
        app.MapGet("/login", (HttpContext context, ConsoleLogin login, IWebHostEnvironment env, string? t) =>
        {
            var page = File.ReadAllText(Path.Combine(env.WebRootPath, "login.html"));
            if (t is null)
            {
                return Results.Content(page, "text/html");
            }
            if (!login.Matches(t))
            {
                return Results.Content(page.Replace("<!--problem-->", "<p class=\"problem\" role=\"alert\">That is not this console's login.</p>"),
                    "text/html", statusCode: StatusCodes.Status401Unauthorized);
            }
            login.LogIn(context);
            return Results.Redirect("/");
        });
        return app;
    }
}
