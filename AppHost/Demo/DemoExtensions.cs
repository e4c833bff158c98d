using ConductorMesh.AppHost.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace ConductorMesh.AppHost.Demo;

public static class DemoExtensions
{
    /// <summary>
    /// The demo program: loaded once, when the four services are first healthy, and again on
    /// demand with the "Load demo program" command (a new program beside the others).
    /// </summary>
    public static IResourceBuilder<DemoResource> AddDemoProgram(this IDistributedApplicationBuilder builder, string name, LocalState state,
        IResourceBuilder<ServiceResource> grants, IResourceBuilder<ServiceResource> ideas,
        IResourceBuilder<ServiceResource> voting, IResourceBuilder<ServiceResource> community)
    {
        var demo = new DemoResource(name);
        var services = new DemoServices(grants, ideas, voting, community);
        builder.Services.AddSingleton(new DemoLoader.Target(demo, services, state));
        builder.Services.AddSingleton<DemoLoader>();
        // From before the first resource starts, as Aspire's own start-up does not wait for the services.
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<DemoLoader>().Start();
            return Task.CompletedTask;
        });
        return builder.AddResource(demo)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Demo",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .WithIconName("Sparkle")
            .WithCommand("load-demo", "Load demo program",
                context => context.Services.GetRequiredService<DemoLoader>().LoadAsync(context.CancellationToken),
                new CommandOptions
                {
                    Description = "Loads a new copy of the demo program: a program, an open cycle, ideas, members and votes.",
                    IconName = "ArrowDownload",
                    IsHighlighted = true,
                    UpdateState = c => c.ResourceSnapshot.State?.Text == KnownResourceStates.Running
                        ? ResourceCommandState.Enabled
                        : ResourceCommandState.Disabled,
                });
    }
}
