using ChurnActors.Grains.Detection;

namespace ChurnActors.Tests.Grains.Detection;

public sealed class EventIdMemoryTests
{
    [Fact]
    public void Recognises_the_ids_it_remembered_and_no_others()
    {
        var memory = new EventIdMemory(16);
        memory.Remember("evt-1");
        memory.Remember("evt-2");

        Assert.True(memory.Contains("evt-1"));
        Assert.True(memory.Contains("evt-2"));
        Assert.False(memory.Contains("evt-3"));
        Assert.False(memory.Contains("EVT-1"));
    }

    [Fact]
    public void Forgets_the_oldest_id_once_full()
    {
        var memory = new EventIdMemory(16);
        for (var i = 0; i <= 16; i++)
        {
            memory.Remember($"evt-{i}");
        }

        Assert.Equal(16, memory.Capacity);
        Assert.False(memory.Contains("evt-0"));
        for (var i = 1; i <= 16; i++)
        {
            Assert.True(memory.Contains($"evt-{i}"));
        }
    }

    [Fact]
    public void Remembering_a_known_id_again_evicts_nothing()
    {
        var memory = new EventIdMemory(16);
        for (var i = 0; i < 16; i++)
        {
            memory.Remember($"evt-{i}");
        }

        memory.Remember("evt-3");
        memory.Remember("evt-3");

        for (var i = 0; i < 16; i++)
        {
            Assert.True(memory.Contains($"evt-{i}"));
        }
    }

    [Fact]
    public void Stays_bounded_over_many_ids()
    {
        var memory = new EventIdMemory(256);
        for (var i = 0; i < 10_000; i++)
        {
            memory.Remember($"evt-{i}");
        }

        Assert.False(memory.Contains("evt-9743"));
        Assert.True(memory.Contains("evt-9744"));
        Assert.True(memory.Contains("evt-9999"));
    }
}
