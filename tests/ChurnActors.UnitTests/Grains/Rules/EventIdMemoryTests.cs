using ChurnActors.Grains.Rules;

namespace ChurnActors.UnitTests.Grains.Rules;

public sealed class EventIdMemoryTests
{
    private const long Now = 29_000_000;

    [Fact]
    public void Recognises_the_ids_it_remembered_and_no_others()
    {
        var memory = new EventIdMemory();
        memory.Remember("evt-1", Now + 15, Now, 1024);
        memory.Remember("evt-2", Now + 15, Now, 1024);

        Assert.True(memory.Contains("evt-1"));
        Assert.True(memory.Contains("evt-2"));
        Assert.False(memory.Contains("evt-3"));
        Assert.False(memory.Contains("EVT-1"));
    }

    [Fact]
    public void Remembers_an_id_however_many_come_after_it_while_its_event_can_be_counted()
    {
        var memory = new EventIdMemory();
        memory.Remember("first", Now + 15, Now, 1024);
        for (var i = 0; i < 1000; i++)
        {
            memory.Remember($"evt-{i}", Now + 15, Now, 1024);
        }

        Assert.True(memory.Contains("first"));
        Assert.Equal(1001, memory.Count);
    }

    [Fact]
    public void Forgets_ids_once_their_events_left_their_windows()
    {
        var memory = new EventIdMemory();
        memory.Remember("early", Now + 15, Now, 1024);
        memory.Remember("late", Now + 60, Now, 1024);

        memory.Forget(Now + 14);
        Assert.True(memory.Contains("early"));

        memory.Forget(Now + 15);
        Assert.False(memory.Contains("early"));
        Assert.True(memory.Contains("late"));
        Assert.Equal(1, memory.Count);
    }

    [Fact]
    public void Makes_room_from_expired_ids_before_growing()
    {
        var memory = new EventIdMemory();
        for (var i = 0; i < 8; i++)
        {
            memory.Remember($"old-{i}", Now + 1, Now, 1024);
        }

        memory.Remember("new", Now + 20, Now + 5, 1024);

        Assert.Equal(1, memory.Count);
        Assert.True(memory.Contains("new"));
    }

    [Fact]
    public void Remembering_a_known_id_again_adds_nothing()
    {
        var memory = new EventIdMemory();
        memory.Remember("evt-3", Now + 15, Now, 1024);
        memory.Remember("evt-3", Now + 15, Now, 1024);

        Assert.Equal(1, memory.Count);
    }

    [Fact]
    public void Past_its_bound_it_forgets_the_first_to_expire_and_refuses_events_as_old_as_that()
    {
        var memory = new EventIdMemory();
        for (var i = 0; i < 16; i++)
        {
            memory.Remember($"evt-{i}", Now + 10 + i, Now, 16);
        }

        Assert.False(memory.IsBeyondRecall(Now + 10));
        memory.Remember("evt-16", Now + 30, Now, 16);

        Assert.Equal(16, memory.Count);
        Assert.False(memory.Contains("evt-0"));
        Assert.True(memory.Contains("evt-1"));
        Assert.True(memory.IsBeyondRecall(Now + 10));
        Assert.True(memory.IsBeyondRecall(Now + 9));
        Assert.False(memory.IsBeyondRecall(Now + 11));
    }
}
