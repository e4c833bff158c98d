namespace ConductorMesh.IntegrationTests;

/// <summary>Waits for a condition that another process brings about (an event crossing the bus), polling briefly.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {seconds}s for {what}; last seen: {value}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
