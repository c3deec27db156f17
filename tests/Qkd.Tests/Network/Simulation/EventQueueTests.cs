using FsCheck.Xunit;
using Qkd.Network;

namespace Qkd.Tests.Network;

public class EventQueueTests
{
    [Fact]
    public void Dequeue_OrdersByTimeThenPriorityThenScheduling()
    {
        var q = new EventQueue<int>();
        q.Schedule(new SimTime(5), 1, 1);
        q.Schedule(new SimTime(5), 0, 2);
        q.Schedule(new SimTime(3), 9, 3);
        q.Schedule(new SimTime(5), 1, 4);
        q.Schedule(new SimTime(5), 0, 5);
        var order = new List<int>();
        while (q.TryDequeue(out _, out var p))
        {
            order.Add(p);
        }
        Assert.Equal([3, 2, 5, 1, 4], order);
    }

    [Fact]
    public void TryDequeue_Empty_ReturnsFalse() => Assert.False(new EventQueue<int>().TryDequeue(out _, out _));

    [Property(MaxTest = 200)]
    public bool Dequeue_IsSortedAndStable(byte[] times, byte[] priorities)
    {
        var q = new EventQueue<int>(2);
        var n = Math.Min(times.Length, priorities.Length);
        for (var i = 0; i < n; i++)
        {
            q.Schedule(new SimTime(times[i] % 16), priorities[i] % 3, i);
        }
        var previous = (-1L, -1, -1);
        while (q.TryDequeue(out var t, out var i))
        {
            var key = (t.Ticks, priorities[i] % 3, i);
            if (key.CompareTo(previous) <= 0)
            {
                return false;
            }
            previous = key;
        }
        return q.Count == 0;
    }

    [Fact]
    public void SimTime_HasMicrosecondResolution()
    {
        Assert.Equal(1_500_000, SimTime.FromSeconds(1.5).Ticks);
        Assert.Equal(1, SimTime.FromSeconds(0.6e-6).Ticks);
        Assert.Equal(2.25, new SimTime(2_250_000).Seconds);
    }
}
