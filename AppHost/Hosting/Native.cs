using System.Runtime.InteropServices;

namespace ConductorMesh.AppHost.Hosting;

/// <summary>Signals to whole process groups: a resource's wrapper and the server it runs stop together.</summary>
internal static class Native
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    public static void SignalGroup(int processGroup, int signal) => Kill(-processGroup, signal);

    public static bool IsRoot => GetEuid() == 0;
}
