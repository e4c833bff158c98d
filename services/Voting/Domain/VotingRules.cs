namespace ConductorMesh.Voting.Domain;

/// <summary>The vote's settings (configuration section "Voting"). Allowances and time zones are each program's own.</summary>
public sealed class VotingRules
{
    /// <summary>Vote counts at which an idea's IdeaMilestoneReached is published.</summary>
    public long[] Milestones { get; set; } = [100, 1_000, 10_000];

    /// <summary>The shortest time between two tally steps under load: the votes of that time are counted, published and shown together.</summary>
    public TimeSpan TallyInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Batches committed at once. One measured best on 2 cores (docs/benchmarks.md); more overlap commits on larger machines.</summary>
    public int Writers { get; set; } = 1;

    /// <summary>Most votes committed in one transaction.</summary>
    public int MaxBatch { get; set; } = 4_000;

    /// <summary>
    /// The velocity threshold: a voter's votes beyond this many within <see cref="HoldWindow"/>
    /// (across every program) are held for review rather than counted; 0 holds none. People
    /// voting by hand stay well under it; scripts do not.
    /// </summary>
    public int HoldAfter { get; set; } = 20;

    public TimeSpan HoldWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether a voter with <paramref name="recent"/> votes within the window has the next one held.</summary>
    public bool Holds(int recent) => HoldAfter > 0 && recent >= HoldAfter;

    /// <summary>Milestones an idea passed when its count went from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public IEnumerable<long> Passed(long before, long after) => Milestones.Where(m => before < m && m <= after);
}
