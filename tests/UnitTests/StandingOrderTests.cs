using ConductorMesh.Contracts;

namespace ConductorMesh.UnitTests;

public sealed class StandingOrderTests
{
    private static readonly DateTime Noon = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(999L)]
    [InlineData(80_000_000L)]
    public void A_score_gives_back_its_votes(long votes)
    {
        Assert.Equal(votes, StandingOrder.Votes(StandingOrder.Score(votes, Noon)));
        Assert.Equal(votes, StandingOrder.Votes(StandingOrder.Score(votes, DateTime.UnixEpoch)));
    }

    [Fact]
    public void More_votes_rank_first_and_between_equal_counts_the_earlier_last_vote()
    {
        Assert.True(StandingOrder.Score(3, Noon.AddDays(20)) > StandingOrder.Score(2, Noon));
        Assert.True(StandingOrder.Score(2, Noon) > StandingOrder.Score(2, Noon.AddMilliseconds(5)));
    }

    [Fact]
    public void Equal_scores_fall_to_the_greater_id_as_text_as_a_redis_board_orders_them()
    {
        var a = Guid.Parse("0aaaaaaa-0000-0000-0000-000000000000");
        var b = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000000");

        var ranked = StandingOrder.Ranked([a, b], _ => 5, _ => Noon, id => id).ToList();

        Assert.Equal([b, a], ranked);
    }
}
