using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.OperatorConsole.Access;
using ConductorMesh.OperatorConsole.Views;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.ServiceDefaults.Messaging;
using ConductorMesh.Voting.V1;

namespace ConductorMesh.OperatorConsole;

public static class ConsoleExtensions
{
    /// <summary>The operator the console acts as.</summary>
    public const string ConsoleName = "console";

    /// <summary>
    /// The console calls Grants, Ideas and Voting as an operator (found by service discovery),
    /// counts votes from the bus, reads queue depths and outbox backlogs, and replays failed events.
    /// </summary>
    public static WebApplicationBuilder AddOperatorConsole(this WebApplicationBuilder builder)
    {
        // The console's own key, which the services trust only for the operator "console": it
        // cannot sign for any other role or name.
        var ownKey = builder.Configuration["Auth:OwnKey"] ?? throw new InvalidOperationException("Auth:OwnKey is not set; the AppHost sets it.");
        var token = SelfIssuedToken.Own(MeshClaims.Roles.Operator, ConsoleName, ownKey);
        builder.Services.AddSingleton(new ConsoleLogin(builder.Configuration["Console:LoginToken"]
            ?? throw new InvalidOperationException("Console:LoginToken is not set; the AppHost sets it.")));
        AddOperatorClient<GrantsApi.GrantsApiClient>(builder.Services, "grants", token);
        AddOperatorClient<IdeasApi.IdeasApiClient>(builder.Services, "ideas", token);
        AddOperatorClient<VotingApi.VotingApiClient>(builder.Services, "voting", token);
        builder.Services.AddSingleton<VoteRate>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VoteRate>());
        builder.Services.AddSingleton<IdeaTitles>();
        builder.Services.AddSingleton<ProgramView>();
        builder.Services.AddHttpClient<BusView>();
        builder.Services.AddSingleton(new BrokerConnection(new Uri(builder.Configuration.GetConnectionString("messaging")
            ?? throw new InvalidOperationException("ConnectionStrings:messaging is not set; the AppHost sets it.")), "console"));
        builder.Services.AddSingleton<FailedEvents>();
        return builder;
    }

    // No resilience handler: the leaderboard is a stream that lives as long as the page, and the
    // standard handler's timeouts would end it. (Its removal is marked experimental, not unstable.)
#pragma warning disable EXTEXP0001
    private static void AddOperatorClient<TClient>(IServiceCollection services, string service, SelfIssuedToken token)
        where TClient : class =>
        services.AddGrpcClient<TClient>(o => o.Address = new Uri($"http://{service}"))
            .AddHttpMessageHandler(() => new BearerHandler(() => token.Current))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
}
