using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ConductorMesh.AppHost;
using ConductorMesh.AppHost.Operations;
using ConductorMesh.Testing;
using ConductorMesh.Community.V1;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;
using Grpc.Core;
using Grpc.Net.Client;

// One system at a time: each test collection starts one, and two would share two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// The whole system (<see cref="TestSystem"/>), started once for the test run, with clients of
/// every service as each role, and a probe of every event on the bus.
/// </summary>
public class MeshFixture : IAsyncLifetime
{
    /// <summary>How many replicas of each service the system runs.</summary>
    protected virtual int Replicas => 1;

    /// <summary>The partner the tests' members belong to.</summary>
    public const string TestPartner = "test-partner";

    private readonly Dictionary<(string Service, string Caller), GrpcChannel> channels = [];
    private readonly Dictionary<string, SelfIssuedToken> tokens = [];

    /// <summary>The running system; <see cref="TestSystem.DashboardLogin"/> logs in to its Aspire dashboard.</summary>
    public TestSystem System { get; private set; } = null!;

    public DistributedApplication App => System.App;

    /// <summary>The key that signs the tokens the running system accepts.</summary>
    public TokenSigner Issuer { get; private set; } = null!;

    /// <summary>Every line the resources write to their consoles during the run.</summary>
    public ResourceLogs Logs { get; private set; } = null!;

    /// <summary>Every event published on the bus during the run.</summary>
    public BusProbe Bus { get; } = new();

    // Clients calling as an operator unless a call carries its own token.
    public GrantsApi.GrantsApiClient Grants => new(Channel("grants", MeshClaims.Roles.Operator));
    public IdeasApi.IdeasApiClient Ideas => new(Channel("ideas", MeshClaims.Roles.Operator));
    public VotingApi.VotingApiClient Voting => new(Channel("voting", MeshClaims.Roles.Operator));
    public CommunityApi.CommunityApiClient Community => new(Channel("community", MeshClaims.Roles.Operator));

    /// <summary>Clients calling as <see cref="TestPartner"/>, for the members it registered.</summary>
    public Caller Partner => new(this, MeshClaims.Roles.Partner);

    /// <summary>Clients of one replica of each service (1, the first, unless said), calling as one role unless a call carries its own token.</summary>
    public sealed class Caller(MeshFixture mesh, string role, int replica = 1)
    {
        public GrantsApi.GrantsApiClient Grants => new(mesh.Channel(MeshService.ReplicaName("grants", replica), role));
        public IdeasApi.IdeasApiClient Ideas => new(mesh.Channel(MeshService.ReplicaName("ideas", replica), role));
        public VotingApi.VotingApiClient Voting => new(mesh.Channel(MeshService.ReplicaName("voting", replica), role));
        public CommunityApi.CommunityApiClient Community => new(mesh.Channel(MeshService.ReplicaName("community", replica), role));
    }

    /// <summary>Clients of replica <paramref name="replica"/> of each service, calling as <see cref="TestPartner"/> unless a call carries its own token.</summary>
    public Caller Replica(int replica, string role = MeshClaims.Roles.Partner) => new(this, role, replica);

    /// <summary>Call headers carrying a token the running system accepts.</summary>
    public Metadata As(string role, string? partner = null, string? member = null) =>
        Bearer(MeshTokens.Issue(Issuer, role, partner, member));

    /// <summary>Call headers of a member acting as themselves.</summary>
    public Metadata AsMember(string member) => As(MeshClaims.Roles.Member, member: member);

    /// <summary>A new member of <see cref="TestPartner"/>, registered in Community; answers its id.</summary>
    public async Task<string> NewMemberAsync(string name = "member") =>
        (await Partner.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = $"{name}-{Guid.NewGuid():N}"[..30], DisplayName = name })).Id;

    /// <summary>Many new members of <see cref="TestPartner"/> at once.</summary>
    public async Task<string[]> NewMembersAsync(int count, string name = "member") =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => NewMemberAsync(name)));

    public static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    public Uri Url(string service) => System.Url(service);

    /// <summary>A caller's own signing key (<c>service:ideas</c>, say), as the AppHost made it for this run.</summary>
    public TokenSigner SignerOf(string keyId) => LocalState.At(System.StateDirectory).SignerOf(keyId);

    public Task<string> ConnectionStringAsync(string resource) => System.ConnectionStringAsync(resource);

    /// <summary>The files of every private key and password the AppHost made for this run.</summary>
    public IReadOnlyList<string> SecretFiles() =>
        new[] { "auth", "secrets" }.SelectMany(folder => Directory.GetFiles(Path.Combine(System.StateDirectory, folder))).ToList();

    /// <summary>Every private key and password of this run, as the files hold them: none may show in a log, a page or a manifest.</summary>
    public IReadOnlyList<string> SecretValues() => SecretFiles().Select(f => File.ReadAllText(f).Trim()).ToList();

    /// <summary>The operator console's link as the dashboard shows it, which carries this run's login.</summary>
    public string ConsoleLoginLink =>
        App.ResourceNotifications.TryGetCurrentState("console", out var e)
            ? e.Snapshot.Urls.Select(u => u.Url).Single(u => u.Contains("/login?t=", StringComparison.Ordinal))
            : throw new InvalidOperationException("the console has no state");

    /// <summary>A client of the operator console's API, logged in with this run's login.</summary>
    public HttpClient ConsoleApi()
    {
        var login = ConsoleLoginLink;
        var console = new HttpClient { BaseAddress = new Uri(login[..login.IndexOf("/login", StringComparison.Ordinal)]) };
        console.DefaultRequestHeaders.Authorization = new("Bearer", login[(login.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);
        return console;
    }

    /// <summary>Runs SQL on one of the system's databases (by its resource name, such as <c>votingdb</c>) and answers the first column of its first row.</summary>
    public async Task<object?> SqlAsync(string database, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(await ConnectionStringAsync(database));
        await connection.OpenAsync();
        return await new Npgsql.NpgsqlCommand(sql, connection).ExecuteScalarAsync();
    }

    /// <summary>How many times the AppHost started a resource again after it ended on its own.</summary>
    public int Restarts(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var e)
        && e.Snapshot.Properties.FirstOrDefault(p => p.Name == "restarts")?.Value is int n ? n : 0;

    /// <summary>Stops a resource as an operator would, with Aspire's stop command, and waits until it has ended.</summary>
    public async Task StopAsync(string resource)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, "stop");
        Assert.True(result.Success, $"stop {resource}: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates);
    }

    /// <summary>Starts a stopped resource with Aspire's start command, and waits until it is healthy.</summary>
    public async Task StartAsync(string resource)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, "start");
        Assert.True(result.Success, $"start {resource}: {result.Message}");
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource);
    }

    public async Task InitializeAsync()
    {
        System = await TestSystem.StartAsync(CancellationToken.None, Replicas);
        Logs = new ResourceLogs(App);
        Issuer = System.Issuer;
        await Bus.StartAsync(await ConnectionStringAsync("messaging"));
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in channels.Values)
        {
            channel.Dispose();
        }
        await Bus.DisposeAsync();
        await Logs.DisposeAsync();
        await System.DisposeAsync();
    }

    private GrpcChannel Channel(string service, string role)
    {
        lock (channels)
        {
            if (!channels.TryGetValue((service, role), out var channel))
            {
                var token = tokens.TryGetValue(role, out var t) ? t
                    : tokens[role] = new SelfIssuedToken(Issuer, role, partner: role == MeshClaims.Roles.Partner ? TestPartner : null);
                channel = BearerChannel.To(Url(service), () => token.Current);
                channels[(service, role)] = channel;
            }
            return channel;
        }
    }
}

/// <summary>
/// The same system with two replicas of every service. Collections run one after the other, so
/// the two systems never share the machine's cores.
/// </summary>
public sealed class ReplicatedMeshFixture : MeshFixture
{
    protected override int Replicas => 2;
}

[CollectionDefinition(Name)]
public sealed class ReplicatedMeshCollection : ICollectionFixture<ReplicatedMeshFixture>
{
    public const string Name = "mesh with two replicas of every service";
}

[CollectionDefinition(Name)]
public sealed class MeshCollection : ICollectionFixture<MeshFixture>
{
    public const string Name = "mesh";
}
