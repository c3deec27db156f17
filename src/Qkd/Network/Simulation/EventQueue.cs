using System.Runtime.CompilerServices;

namespace Qkd.Network;

/// <summary>
/// The discrete-event core's agenda: a binary min-heap of timed events ordered by
/// (time, priority, sequence). Equal times run lower priority numbers first, and equal
/// (time, priority) run in the order they were scheduled, so a run is a pure function of its
/// inputs. Payloads are unmanaged structs stored inline: scheduling and dequeuing allocate
/// nothing once the heap has grown to its working size.
/// </summary>
/// <typeparam name="T">The event payload.</typeparam>
public sealed class EventQueue<T> where T : struct
{
    private Entry[] _heap;
    private int _count;
    private long _nextSequence;

    public EventQueue(int initialCapacity = 64)
    {
        _heap = new Entry[Math.Max(4, initialCapacity)];
    }

    /// <summary>Number of pending events.</summary>
    public int Count => _count;

    /// <summary>Events scheduled since creation or the last <see cref="Clear"/>.</summary>
    public long Scheduled => _nextSequence;

    /// <summary>Adds an event at <paramref name="time"/> with a tie-breaking <paramref name="priority"/>.</summary>
    public void Schedule(SimTime time, int priority, in T payload)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }
        var entry = new Entry(time.Ticks, priority, _nextSequence++, payload);
        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(in entry, in _heap[parent]))
            {
                break;
            }
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = entry;
    }

    /// <summary>Removes the earliest event; false when the queue is empty.</summary>
    public bool TryDequeue(out SimTime time, out T payload)
    {
        if (_count == 0)
        {
            time = default;
            payload = default;
            return false;
        }
        var top = _heap[0];
        time = new SimTime(top.Time);
        payload = top.Payload;
        var last = _heap[--_count];
        _heap[_count] = default;
        if (_count > 0)
        {
            SiftDown(in last);
        }
        return true;
    }

    /// <summary>Time of the earliest pending event; false when the queue is empty.</summary>
    public bool TryPeekTime(out SimTime time)
    {
        time = _count > 0 ? new SimTime(_heap[0].Time) : default;
        return _count > 0;
    }

    /// <summary>Drops every pending event and restarts the sequence numbers.</summary>
    public void Clear()
    {
        Array.Clear(_heap, 0, _count);
        _count = 0;
        _nextSequence = 0;
    }

    private void SiftDown(in Entry entry)
    {
        var i = 0;
        var half = _count >> 1;
        while (i < half)
        {
            var child = (i << 1) + 1;
            var right = child + 1;
            if (right < _count && Less(in _heap[right], in _heap[child]))
            {
                child = right;
            }
            if (!Less(in _heap[child], in entry))
            {
                break;
            }
            _heap[i] = _heap[child];
            i = child;
        }
        _heap[i] = entry;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in Entry a, in Entry b)
    {
        if (a.Time != b.Time)
        {
            return a.Time < b.Time;
        }
        if (a.Priority != b.Priority)
        {
            return a.Priority < b.Priority;
        }
        return a.Sequence < b.Sequence;
    }

    private readonly record struct Entry(long Time, int Priority, long Sequence, T Payload);
}
