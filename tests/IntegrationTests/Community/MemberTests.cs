using ConductorMesh.Community.V1;
using ConductorMesh.Contracts;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Community;

/// <summary>Members: registration with unique handles, profiles, suspension; and follows of members and ideas.</summary>
[Collection(MeshCollection.Name)]
public sealed class MemberTests(MeshFixture mesh)
{
    private readonly People people = new(mesh);
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task A_member_registers_with_a_unique_handle_and_edits_the_profile()
    {
        var handle = $"Ada_{Guid.NewGuid():N}"[..20];
        var ada = await mesh.Partner.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = handle, DisplayName = "  Ada Lovelace ", Location = "London" });
        Assert.Equal((handle, "Ada Lovelace", "London", ""), (ada.Handle, ada.DisplayName, ada.Location, ada.Bio));
        await Refused.With(() => mesh.Partner.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = handle.ToUpperInvariant(), DisplayName = "Impostor" }).ResponseAsync,
            StatusCode.AlreadyExists, "is taken");
        await Refused.With(() => mesh.Partner.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = "no spaces", DisplayName = "X" }).ResponseAsync,
            StatusCode.InvalidArgument, "handle");
        await Refused.With(() => mesh.Partner.Community.RegisterMemberAsync(new RegisterMemberRequest { Handle = "ok-handle", DisplayName = "X", Bio = new string('b', 501) }).ResponseAsync,
            StatusCode.InvalidArgument, "bio");

        Assert.Equal(ada.Id, (await mesh.Partner.Community.GetMemberAsync(new GetMemberRequest { Handle = handle.ToLowerInvariant() })).Id);
        var updated = await mesh.Partner.Community.UpdateMemberAsync(new UpdateMemberRequest
        {
            MemberId = ada.Id, Bio = "<b>Analyst</b>", DisplayName = "ignored", UpdateMask = new FieldMask { Paths = { "bio" } },
        });
        Assert.Equal(("Ada Lovelace", "<b>Analyst</b>"), (updated.DisplayName, updated.Bio)); // stored as the text it is
        await mesh.Bus.WaitFor<MemberRegistered>(e => e.MemberId == Guid.Parse(ada.Id), "MemberRegistered");
    }

    [Fact]
    public async Task A_suspended_member_can_no_longer_follow_comment_or_edit()
    {
        var troll = await people.RegisterAsync("troll");
        var other = await people.RegisterAsync("other");
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.SubmitAsync(cycle, "Quiet library hours", "5k", "author-q");

        var suspended = await mesh.Community.SuspendMemberAsync(new SuspendMemberRequest { MemberId = troll.Id, ModeratorId = "mod-1", Reason = "spam" });
        Assert.Equal("spam", suspended.SuspensionReason);

        await Refused.With(() => mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = troll.Id, MemberId = other.Id }).ResponseAsync, StatusCode.FailedPrecondition, "suspended");
        await Refused.With(() => mesh.Partner.Community.PostCommentAsync(new PostCommentRequest { IdeaId = idea.Id, AuthorId = troll.Id, Body = "buy now" }).ResponseAsync,
            StatusCode.FailedPrecondition, "suspended");
        await Refused.With(() => mesh.Partner.Community.UpdateMemberAsync(new UpdateMemberRequest { MemberId = troll.Id, Bio = "x", UpdateMask = new FieldMask { Paths = { "bio" } } }).ResponseAsync,
            StatusCode.FailedPrecondition, "suspended");
    }

    [Fact]
    public async Task Members_follow_members_and_ideas_once_and_the_lists_page()
    {
        var star = await people.RegisterAsync("star");
        var fans = new List<Member>();
        for (var i = 0; i < 3; i++)
        {
            fans.Add(await people.RegisterAsync($"fan{i}"));
            var followed = await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = fans[^1].Id, MemberId = star.Id });
            Assert.Equal(i + 1, followed.Followers);
        }
        Assert.Equal(3, (await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = fans[0].Id, MemberId = star.Id })).Followers);
        await Refused.With(() => mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = star.Id, MemberId = star.Id }).ResponseAsync, StatusCode.InvalidArgument, "themselves");
        await Refused.With(() => mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = star.Id }).ResponseAsync, StatusCode.InvalidArgument, "exactly one");

        var first = await mesh.Partner.Community.ListFollowersAsync(new ListFollowersRequest { MemberId = star.Id, PageSize = 2 });
        var second = await mesh.Partner.Community.ListFollowersAsync(new ListFollowersRequest { MemberId = star.Id, PageSize = 2, PageToken = first.NextPageToken });
        Assert.Equal([fans[2].Id, fans[1].Id, fans[0].Id], first.Follows.Concat(second.Follows).Select(f => f.FollowerId));
        Assert.Equal("", second.NextPageToken);

        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.SubmitAsync(cycle, "Followed right away", "5k", "author-f"); // before Community hears of it
        Assert.Equal(1, (await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = fans[0].Id, IdeaId = idea.Id })).Followers);
        var following = await mesh.Partner.Community.ListFollowingAsync(new ListFollowingRequest { MemberId = fans[0].Id });
        Assert.Equal([(idea.Id, ""), ("", star.Id)], following.Follows.Select(f => (f.IdeaId, f.MemberId)));

        var left = await mesh.Partner.Community.UnfollowAsync(new FollowRequest { FollowerId = fans[1].Id, MemberId = star.Id });
        Assert.Equal((false, 2L), (left.Following, left.Followers));
        Assert.Equal(2, (await mesh.Partner.Community.GetMemberAsync(new GetMemberRequest { MemberId = star.Id })).Followers);
        await mesh.Bus.WaitFor<MemberFollowed>(e => e.FollowerId == Guid.Parse(fans[2].Id) && e.MemberId == Guid.Parse(star.Id), "MemberFollowed");
        await mesh.Bus.WaitFor<IdeaFollowed>(e => e.FollowerId == Guid.Parse(fans[0].Id) && e.IdeaId == Guid.Parse(idea.Id), "IdeaFollowed");
        Assert.Single(mesh.Bus.All.OfType<MemberFollowed>(), e => e.FollowerId == Guid.Parse(fans[0].Id) && e.MemberId == Guid.Parse(star.Id));
    }
}
