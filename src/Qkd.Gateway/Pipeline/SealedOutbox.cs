using System.Buffers.Binary;
using System.Text;

namespace Qkd.Gateway.Pipeline;

/// <summary>
/// Sealed messages waiting for the broker, in order (store-and-forward). Bounded: when it is full the sealing loop
/// waits, so the overflow happens in the plaintext queue in front of the sealer, where it is counted (a sealed
/// message is never dropped, which keeps OTP pad offsets contiguous). With a spool directory every message is
/// written to disk (fsync, then an atomic rename) before it counts as queued and deleted only after the broker
/// acknowledged it, so messages sealed while the broker was away survive a gateway restart and go out first.
/// </summary>
public sealed class SealedOutbox : IDisposable
{
    private const string Extension = ".sealed";
    private readonly Queue<(long Number, string Topic, byte[] Payload)> _queue = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _items = new(0);
    private readonly SemaphoreSlim _space;
    private long _next;

    /// <param name="capacity">Sealed messages held at most [messages].</param>
    /// <param name="spoolDirectory">Directory for the durable queue; null keeps it in memory.</param>
    public SealedOutbox(int capacity = 1024, string? spoolDirectory = null)
    {
        if (capacity is < 1 or > 10_000_000)
        {
            throw new ArgumentException($"Outbox capacity must be within [1, 10000000] messages, but was {capacity}.");
        }
        Capacity = capacity;
        SpoolDirectory = spoolDirectory is null ? null : Path.GetFullPath(spoolDirectory);
        var recovered = 0;
        if (SpoolDirectory is not null)
        {
            Directory.CreateDirectory(SpoolDirectory);
            foreach (var file in Directory.GetFiles(SpoolDirectory, "*" + Extension).Order(StringComparer.Ordinal))
            {
                var number = long.Parse(Path.GetFileNameWithoutExtension(file), System.Globalization.CultureInfo.InvariantCulture);
                var (topic, payload) = Decode(File.ReadAllBytes(file));
                _queue.Enqueue((number, topic, payload));
                _next = number + 1;
                recovered++;
            }
        }
        Recovered = recovered;
        if (recovered > 0)
        {
            _items.Release(recovered);
        }
        _space = new SemaphoreSlim(Math.Max(0, capacity - recovered));
    }

    public int Capacity { get; }
    public string? SpoolDirectory { get; }

    /// <summary>Messages found in the spool at start (sealed by an earlier run, sent first).</summary>
    public int Recovered { get; }

    /// <summary>Messages waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>True when the next <see cref="EnqueueAsync"/> would wait.</summary>
    public bool IsFull => _space.CurrentCount == 0;

    /// <summary>Appends a sealed message, waiting while the outbox is full.</summary>
    public async Task EnqueueAsync(string topic, byte[] payload, CancellationToken ct)
    {
        await _space.WaitAsync(ct).ConfigureAwait(false);
        long number;
        lock (_gate)
        {
            number = _next++;
        }
        if (SpoolDirectory is not null)
        {
            var final = Path.Combine(SpoolDirectory, number.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + Extension);
            var temp = final + ".tmp";
            using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                f.Write(Encode(topic, payload));
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, final, overwrite: true);
        }
        lock (_gate)
        {
            _queue.Enqueue((number, topic, payload));
        }
        _items.Release();
    }

    /// <summary>Waits for the oldest message without removing it.</summary>
    public async Task<(string Topic, byte[] Payload)> PeekAsync(CancellationToken ct)
    {
        await _items.WaitAsync(ct).ConfigureAwait(false);
        lock (_gate)
        {
            var (_, topic, payload) = _queue.Peek();
            return (topic, payload);
        }
    }

    /// <summary>Removes the oldest message once the broker has acknowledged it (after <see cref="PeekAsync"/>).</summary>
    public void Acknowledge()
    {
        long number;
        lock (_gate)
        {
            number = _queue.Dequeue().Number;
        }
        if (SpoolDirectory is not null)
        {
            File.Delete(Path.Combine(SpoolDirectory, number.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + Extension));
        }
        _space.Release();
    }

    private static byte[] Encode(string topic, byte[] payload)
    {
        var t = Encoding.UTF8.GetBytes(topic);
        var b = new byte[2 + t.Length + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)t.Length);
        t.CopyTo(b, 2);
        payload.CopyTo(b, 2 + t.Length);
        return b;
    }

    private static (string Topic, byte[] Payload) Decode(byte[] b)
    {
        if (b.Length < 2 || b.Length < 2 + BinaryPrimitives.ReadUInt16BigEndian(b))
        {
            throw new InvalidDataException($"Spool file of {b.Length} bytes is truncated.");
        }
        int t = BinaryPrimitives.ReadUInt16BigEndian(b);
        return (Encoding.UTF8.GetString(b, 2, t), b[(2 + t)..]);
    }

    public void Dispose()
    {
        _items.Dispose();
        _space.Dispose();
    }
}
