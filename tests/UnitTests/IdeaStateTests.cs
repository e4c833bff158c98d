using ConductorMesh.Ideas.Domain;

namespace ConductorMesh.UnitTests;

public sealed class IdeaStateTests
{
    [Theory]
    [InlineData(IdeaState.Draft, IdeaState.Submitted)]
    [InlineData(IdeaState.Draft, IdeaState.Queued)]
    [InlineData(IdeaState.Queued, IdeaState.Submitted)]
    [InlineData(IdeaState.Submitted, IdeaState.Approved)]
    [InlineData(IdeaState.Submitted, IdeaState.Rejected)]
    [InlineData(IdeaState.Approved, IdeaState.Funded)]
    [InlineData(IdeaState.Approved, IdeaState.NotFunded)]
    [InlineData(IdeaState.Approved, IdeaState.Withdrawn)]
    [InlineData(IdeaState.Submitted, IdeaState.Withdrawn)]
    public void The_life_of_an_idea_moves_forward(string from, string to) => Assert.True(IdeaState.CanMove(from, to));

    [Theory]
    [InlineData(IdeaState.Draft, IdeaState.Approved)]
    [InlineData(IdeaState.Submitted, IdeaState.Funded)]
    [InlineData(IdeaState.Approved, IdeaState.Rejected)]
    [InlineData(IdeaState.Rejected, IdeaState.Approved)]
    [InlineData(IdeaState.Withdrawn, IdeaState.Submitted)]
    [InlineData(IdeaState.Funded, IdeaState.Withdrawn)]
    [InlineData(IdeaState.NotFunded, IdeaState.Funded)]
    public void Ended_or_skipped_steps_are_refused(string from, string to) => Assert.False(IdeaState.CanMove(from, to));

    [Fact]
    public void The_statuses_before_a_move_are_listed_for_the_refusal_message()
    {
        Assert.Equal([IdeaState.Draft, IdeaState.Queued, IdeaState.Submitted, IdeaState.Approved], IdeaState.AllowedBefore(IdeaState.Withdrawn));
        Assert.Equal([IdeaState.Approved], IdeaState.AllowedBefore(IdeaState.Funded));
    }
}
