using ConductorMesh.Contracts;
using ConductorMesh.Voting.Domain;

namespace ConductorMesh.UnitTests;

public sealed class TallyMessagesTests
{
    private static IdeaVoteCount Count(int idea, int voters, int extraVotes = 0) =>
        new(new Guid(idea, 0, 0, new byte[8]), voters + extraVotes, 1_000 + idea, Enumerable.Range(0, voters).Select(v => $"voter-{idea}-{v}").ToList());

    [Fact]
    public void No_message_carries_more_voters_than_the_bound_and_nothing_is_lost()
    {
        var counts = new[] { Count(1, 3), Count(2, 25, extraVotes: 2), Count(3, 0, extraVotes: 4), Count(4, 9) };

        var messages = TallyMessages.Split(counts, maxVoters: 10);

        Assert.All(messages, m => Assert.InRange(m.Sum(c => c.Voters!.Count), 0, 10));
        foreach (var count in counts)
        {
            var pieces = messages.SelectMany(m => m).Where(c => c.IdeaId == count.IdeaId).ToList();
            Assert.Equal(count.NewVotes, pieces.Sum(p => p.NewVotes));
            Assert.Equal(count.Voters, pieces.SelectMany(p => p.Voters!));
            Assert.All(pieces, p => Assert.Equal(count.TotalVotes, p.TotalVotes));
        }
    }

    [Fact]
    public void A_quiet_window_stays_one_message()
    {
        var messages = TallyMessages.Split([Count(1, 2), Count(2, 1)]);

        Assert.Equal(2, Assert.Single(messages).Count);
    }
}
