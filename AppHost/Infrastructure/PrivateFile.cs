using System.Text;

namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>Files that hold secrets: keys, passwords, and the servers' configuration that carries them.</summary>
public static class PrivateFile
{
    /// <summary>
    /// Writes <paramref name="content"/> to a file readable by its owner only from its creation, then
    /// moves it into place, so no one else can ever read it and no reader sees half of it. Answers
    /// false, leaving the file as it is, when <paramref name="overwrite"/> is false and another
    /// process made the file first.
    /// </summary>
    public static bool Write(string path, string content, bool overwrite)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var writing = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new StreamWriter(writing, new UTF8Encoding(false), options))
        {
            file.Write(content);
        }
        try
        {
            File.Move(writing, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            File.Delete(writing);
            return false;
        }
    }
}
