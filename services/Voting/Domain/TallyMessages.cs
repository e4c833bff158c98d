using ConductorMesh.Contracts;

namespace ConductorMesh.Voting.Domain;

/// <summary>
/// Splits one cycle's counts of a tally step into VotesTallied messages of at most
/// <see cref="MaxVoters"/> voter ids each, so no message (and no outbox row) grows with a burst of
/// votes. An idea whose voters do not fit in one message is split too: each piece carries its own
/// voters, the new votes among them, and the idea's total; the pieces' new votes add up to the
/// idea's.
/// </summary>
public static class TallyMessages
{
    public const int MaxVoters = 1_000;

    public static IReadOnlyList<IReadOnlyList<IdeaVoteCount>> Split(IEnumerable<IdeaVoteCount> counts, int maxVoters = MaxVoters)
    {
        var messages = new List<IReadOnlyList<IdeaVoteCount>>();
        var current = new List<IdeaVoteCount>();
        var room = maxVoters;
        foreach (var count in counts)
        {
            var voters = count.Voters ?? [];
            var newVotes = count.NewVotes;
            var taken = 0;
            do
            {
                if (room == 0)
                {
                    messages.Add(current);
                    (current, room) = ([], maxVoters);
                }
                var piece = voters.Skip(taken).Take(room).ToList();
                taken += piece.Count;
                room -= piece.Count;
                // Votes with no voter id left to carry go with the last piece.
                var votes = taken < voters.Count ? piece.Count : newVotes;
                newVotes -= votes;
                current.Add(count with { NewVotes = votes, Voters = piece });
            }
            while (taken < voters.Count);
        }
        if (current.Count > 0)
        {
            messages.Add(current);
        }
        return messages;
    }
}
