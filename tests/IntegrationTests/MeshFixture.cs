using ConductorMesh.AppHost;
using ConductorMesh.AppHost.Dashboard;
using ConductorMesh.AppHost.Hosting;
using ConductorMesh.AppHost.Resources;
using ConductorMesh.Community.V1;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using ConductorMesh.ServiceDefaults.Auth;
using Grpc.Core;
using Grpc.Net.Client;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// The whole system, wired exactly as <c>./mesh up</c> wires it, on free ports in a temporary
/// folder: started once for the test run and removed after it.
/// </summary>
public sealed class MeshFixture : IAsyncLifetime
{
    /// <summary>The partner the tests' members belong to.</summary>
    public const string TestPartner = "test-partner";

    private readonly Dictionary<(string Service, string Caller), GrpcChannel> channels = [];
    private readonly Dictionary<string, SelfIssuedToken> tokens = [];
    private string stateDirectory = "";
    private readonly CancellationTokenSource stopMonitor = new();
    private Task monitor = Task.CompletedTask;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The operator dashboard, as <c>./mesh up</c> serves it.</summary>
    public DashboardServer Dashboard { get; private set; } = null!;

    /// <summary>Every event published on the bus during the run.</summary>
    public BusProbe Bus { get; } = new();

    // Clients calling as an operator unless a call carries its own token.
    public GrantsApi.GrantsApiClient Grants => new(Channel("grants", MeshClaims.Roles.Operator));
    public IdeasApi.IdeasApiClient Ideas => new(Channel("ideas", MeshClaims.Roles.Operator));
    public VotingApi.VotingApiClient Voting => new(Channel("voting", MeshClaims.Roles.Operator));
    public CommunityApi.CommunityApiClient Community => new(Channel("community", MeshClaims.Roles.Operator));

    /// <summary>Clients calling as <see cref="TestPartner"/>, for the members it registered.</summary>
    public Caller Partner => new(this, MeshClaims.Roles.Partner);

    /// <summary>Clients calling as one role unless a call carries its own token.</summary>
    public sealed class Caller(MeshFixture mesh, string role)
    {
        public GrantsApi.GrantsApiClient Grants => new(mesh.Channel("grants", role));
        public IdeasApi.IdeasApiClient Ideas => new(mesh.Channel("ideas", role));
        public VotingApi.VotingApiClient Voting => new(mesh.Channel("voting", role));
        public CommunityApi.CommunityApiClient Community => new(mesh.Channel("community", role));
    }

    /// <summary>Call headers carrying a token the running system accepts.</summary>
    public Metadata As(string role, string? partner = null, string? member = null) =>
        Bearer(MeshTokens.Issue(App.Settings.SigningKey, role, partner, member));

    /// <summary>Call headers of a member acting as themselves.</summary>
    public Metadata AsMember(string member) => As(MeshClaims.Roles.Member, member: member);

    /// <summary>A new member of <see cref="TestPartner"/>, registered in Community; answers its id.</summary>
    public async Task<string> NewMemberAsync(string name = "member") =>
        (await Partner.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = $"{name}-{Guid.NewGuid():N}"[..30], DisplayName = name })).Id;

    /// <summary>Many new members of <see cref="TestPartner"/> at once.</summary>
    public async Task<string[]> NewMembersAsync(int count, string name = "member") =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => NewMemberAsync(name)));

    public static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    public async Task InitializeAsync()
    {
        stateDirectory = Directory.CreateTempSubdirectory("conductormesh-test-").FullName;
        // The servers run as their own system users when the tests run as root; they must reach the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stateDirectory, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        App = Mesh.Build(new AppHostSettings
        {
            StateDirectory = stateDirectory,
            UseFreePorts = true,
            Ephemeral = true,
            ExistingConnectionString = _ => null,
        });
        await App.StartAsync(CancellationToken.None);
        try
        {
            Dashboard = await DashboardServer.StartAsync(App, CancellationToken.None);
            monitor = App.MonitorAsync(stopMonitor.Token); // resources' health, as ./mesh up keeps it
            await Bus.StartAsync(App.Resource<RabbitMqBroker>("messaging").ConnectionString);
        }
        catch
        {
            // xunit does not dispose a fixture that failed to start: leave no servers behind.
            await stopMonitor.CancelAsync();
            await App.StopAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in channels.Values)
        {
            channel.Dispose();
        }
        await stopMonitor.CancelAsync();
        await monitor;
        await Bus.DisposeAsync();
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }
        await App.StopAsync();
        // MESH_KEEP_TEST_STATE=1 keeps the servers' data and every process's log for a look after a failure.
        if (Environment.GetEnvironmentVariable("MESH_KEEP_TEST_STATE") != "1")
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    private GrpcChannel Channel(string service, string role)
    {
        lock (channels)
        {
            if (!channels.TryGetValue((service, role), out var channel))
            {
                var token = tokens.TryGetValue(role, out var t) ? t
                    : tokens[role] = new SelfIssuedToken(App.Settings.SigningKey, role, partner: role == MeshClaims.Roles.Partner ? TestPartner : null);
                channel = App.Resource<ProjectResource>(service).ChannelAs(token);
                channels[(service, role)] = channel;
            }
            return channel;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MeshCollection : ICollectionFixture<MeshFixture>
{
    public const string Name = "mesh";
}
