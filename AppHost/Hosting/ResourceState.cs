namespace ConductorMesh.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Unhealthy,
    Exited,
    Stopping,
    Stopped,
    FailedToStart,
}
