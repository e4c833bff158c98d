using ConductorMesh.ServiceDefaults.Grpc;
using Grpc.Core;

namespace ConductorMesh.UnitTests;

public sealed class CheckTests
{
    [Fact]
    public void Text_is_trimmed()
    {
        Assert.Equal("Trees", Check.Text("  Trees \n", "title", 10));
    }

    [Theory]
    [InlineData(null, "title: is required")]
    [InlineData("   ", "title: is required")]
    [InlineData("ab", "title: needs at least 3 characters")]
    [InlineData("abcdefghijk", "title: is longer than 10 characters")]
    [InlineData("bell\u0007", "title: contains control characters")]
    public void Bad_text_is_refused_naming_the_field(string? value, string message)
    {
        var e = Assert.Throws<RpcException>(() => Check.Text(value, "title", 10, min: 3));
        Assert.Equal((StatusCode.InvalidArgument, message), (e.StatusCode, e.Status.Detail));
    }

    [Fact]
    public void Ids_must_be_uuids()
    {
        var e = Assert.Throws<RpcException>(() => Check.Id("idea-7", "idea_id"));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("idea_id:", e.Status.Detail);
    }

    [Fact]
    public void Page_tokens_round_trip_and_foreign_ones_are_refused()
    {
        var at = new DateTime(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);
        var id = Guid.CreateVersion7();

        Assert.Equal((at, id), PageToken.Decode(PageToken.Encode(at, id)));
        Assert.Null(PageToken.Decode(""));
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => PageToken.Decode("not-a-token")).StatusCode);
    }

    [Fact]
    public void Rank_tokens_keep_the_exact_rank()
    {
        var id = Guid.CreateVersion7();

        Assert.Equal((0.6079271f, id), PageToken.DecodeRank(PageToken.Encode(0.6079271f, id)));
        // A time token far out of a rank's range is refused rather than misread.
        var timeToken = PageToken.Encode(new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), id);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<RpcException>(() => PageToken.DecodeRank(timeToken)).StatusCode);
    }
}

public sealed class PagingTests
{
    private static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_extra_row_means_a_next_page_starting_after_the_last_row_shown()
    {
        var rows = Enumerable.Range(0, 4).Select(i => (At: Start.AddMinutes(i), Id: Guid.CreateVersion7())).ToList();

        var (items, next) = Paging.Page(rows, 3, r => r);

        Assert.Equal(rows.Take(3), items);
        Assert.Equal(rows[2], PageToken.Decode(next));
    }

    [Fact]
    public void The_last_page_has_no_token()
    {
        var (items, next) = Paging.Page([(Start, Guid.Empty)], 3, r => r);

        Assert.Single(items);
        Assert.Equal("", next);
    }

    [Fact]
    public void A_filled_response_holds_the_page_as_messages_and_the_token_of_the_next()
    {
        var rows = Enumerable.Range(0, 3).Select(i => (At: Start.AddMinutes(i), Id: Guid.CreateVersion7())).ToList();
        var messages = new List<string>();

        var next = Paging.Fill(rows, 2, r => r, messages, r => r.At.ToString("HH:mm"));

        Assert.Equal(["00:00", "00:01"], messages);
        Assert.Equal(rows[1], PageToken.Decode(next));
    }

    [Fact]
    public void A_time_a_timestamp_cannot_hold_is_refused_naming_the_field()
    {
        Assert.Null(Check.Time(null, "closes_at"));
        Assert.Equal(Start, Check.Time(Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(Start), "closes_at"));
        var refused = Assert.Throws<Grpc.Core.RpcException>(() => Check.Time(new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1, Nanos = -1 }, "closes_at"));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("closes_at", refused.Status.Detail);
        Assert.Throws<Grpc.Core.RpcException>(() => Check.Time(new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue }, "closes_at"));
    }

    [Fact]
    public void An_unknown_enum_value_is_refused_with_the_protos_names()
    {
        var e = Assert.Throws<RpcException>(() => Check.Defined((ConductorMesh.Ideas.V1.Category)99, "category"));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("category: must be one of CATEGORY_HEALTH, CATEGORY_ARTS_AND_CULTURE, CATEGORY_FOOD_AND_SHELTER, "
            + "CATEGORY_THE_PLANET, CATEGORY_NEIGHBORHOODS, CATEGORY_EDUCATION", e.Status.Detail);
    }
}
