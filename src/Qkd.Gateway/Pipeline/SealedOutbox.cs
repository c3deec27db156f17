using System.Buffers.Binary;
using System.Text;
using Qkd.Gateway.Sealing;

namespace Qkd.Gateway.Pipeline;

/// <summary>
/// Sealed messages waiting for the broker and, with edge acknowledgements, for the edge (store-and-forward). Bounded:
/// when it is full the sealing loop waits, so the overflow happens in the plaintext queue in front of the sealer, where it
/// is counted (a sealed message is never dropped, which keeps OTP pad offsets contiguous). A message carrying an
/// acknowledgement key (<see cref="EdgeAck"/>) stays after it was published until the receiving gateway acknowledges it;
/// until then it is published again whenever it falls due. With a spool directory every message is written to disk
/// (mode 0600, fsync, then an atomic rename) before it counts as queued and deleted only when forgotten, so messages
/// survive a gateway restart and go out first.
/// </summary>
public sealed class SealedOutbox : IDisposable
{
    private const string Extension = ".sealed";
    private const byte SpoolVersion = 2;
    private readonly LinkedList<Entry> _queue = new();
    private readonly Dictionary<(Guid KeyId, ulong Sequence), LinkedListNode<Entry>> _awaitingAck = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _space;
    private long _next;

    /// <summary>One sealed message in the outbox.</summary>
    public sealed class Entry
    {
        internal Entry(long number, string topic, byte[] payload, byte[]? ackKey)
        {
            Number = number;
            Topic = topic;
            Payload = payload;
            AckKey = ackKey;
            if (SealedHeader.TryRead(payload, out _) is { } header)
            {
                KeyId = header.KeyId;
                Sequence = header.Sequence;
            }
        }

        public long Number { get; }
        public string Topic { get; }
        public byte[] Payload { get; }
        internal byte[]? AckKey { get; }
        public Guid KeyId { get; }
        public ulong Sequence { get; }

        /// <summary>True when the message waits for the edge's acknowledgement after being published.</summary>
        public bool AwaitsEdgeAck => AckKey is not null;

        /// <summary>Times published so far.</summary>
        public int Attempts { get; internal set; }

        /// <summary>When it is published again if still unacknowledged.</summary>
        public DateTimeOffset DueAt { get; internal set; }
    }

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
                var (topic, ackKey, payload) = Decode(File.ReadAllBytes(file));
                Add(new Entry(number, topic, payload, ackKey));
                _next = number + 1;
                recovered++;
            }
        }
        Recovered = recovered;
        _space = new SemaphoreSlim(Math.Max(0, capacity - recovered));
    }

    public int Capacity { get; }
    public string? SpoolDirectory { get; }

    /// <summary>Messages found in the spool at start (sealed by an earlier run, sent first).</summary>
    public int Recovered { get; }

    /// <summary>Messages held (not yet published, or published and not yet acknowledged by the edge).</summary>
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

    /// <summary>True when the next <see cref="EnqueueAsync(string, byte[], byte[], CancellationToken)"/> would wait.</summary>
    public bool IsFull => _space.CurrentCount == 0;

    /// <summary>Appends a sealed message that is forgotten once the broker acknowledges it, waiting while the outbox is full.</summary>
    public Task EnqueueAsync(string topic, byte[] payload, CancellationToken ct) => EnqueueAsync(topic, payload, null, ct);

    /// <summary>
    /// Appends a sealed message, waiting while the outbox is full. With <paramref name="ackKey"/> (the epoch's
    /// <see cref="EdgeAck"/> key) it is kept until the edge acknowledges it.
    /// </summary>
    public async Task EnqueueAsync(string topic, byte[] payload, byte[]? ackKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(payload);
        await _space.WaitAsync(ct).ConfigureAwait(false);
        long number;
        lock (_gate)
        {
            number = _next++;
        }
        if (SpoolDirectory is not null)
        {
            var final = FileOf(number);
            var temp = final + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.WriteThrough };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the record holds the acknowledgement key
            }
            using (var f = new FileStream(temp, options))
            {
                f.Write(Encode(topic, ackKey, payload));
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, final, overwrite: true);
        }
        lock (_gate)
        {
            Add(new Entry(number, topic, payload, ackKey));
        }
        _wake.Release();
    }

    /// <summary>
    /// The message to publish now: the oldest one not yet published, or published, unacknowledged and due again. A message
    /// of a later key epoch waits until every message of the epoch before it has been acknowledged, so the receiver never
    /// sees a new epoch before the old one is complete. Null when nothing is due; <paramref name="wakeAt"/> is then the
    /// earliest due time (null: wait for a change).
    /// </summary>
    public Entry? NextToPublish(DateTimeOffset now, out DateTimeOffset? wakeAt)
    {
        wakeAt = null;
        lock (_gate)
        {
            var head = _queue.First?.Value;
            for (var node = _queue.First; node is not null; node = node.Next)
            {
                var e = node.Value;
                if (e.AwaitsEdgeAck && e.KeyId != head!.KeyId)
                {
                    return null;
                }
                if (e.Attempts == 0 || (e.AwaitsEdgeAck && e.DueAt <= now))
                {
                    return e;
                }
                if (e.AwaitsEdgeAck && (wakeAt is null || e.DueAt < wakeAt))
                {
                    wakeAt = e.DueAt;
                }
            }
            return null;
        }
    }

    /// <summary>Records a publication the broker acknowledged; a message without an edge acknowledgement key is forgotten.</summary>
    public void MarkPublished(Entry entry, DateTimeOffset dueAgainAt)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            entry.Attempts++;
            entry.DueAt = dueAgainAt;
        }
        if (!entry.AwaitsEdgeAck)
        {
            Forget(entry);
        }
    }

    /// <summary>Outcome of an acknowledgement received from the edge.</summary>
    public enum AckOutcome
    {
        /// <summary>Verified: the message is forgotten.</summary>
        Acknowledged,

        /// <summary>Names no message held (already acknowledged, or of another stream): ignored.</summary>
        Unknown,

        /// <summary>Names a held message but its tag does not verify: ignored, the message stays.</summary>
        Forged,
    }

    /// <summary>Checks an acknowledgement received on <paramref name="topic"/> and forgets the message it names when its tag verifies.</summary>
    public AckOutcome Acknowledge(string topic, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!EdgeAck.TryRead(payload, out var keyId, out var sequence))
        {
            return AckOutcome.Forged;
        }
        Entry entry;
        lock (_gate)
        {
            if (!_awaitingAck.TryGetValue((keyId, sequence), out var node))
            {
                return AckOutcome.Unknown;
            }
            entry = node.Value;
        }
        var expectedTopic = "qkd/ack/" + entry.Topic["qkd/sealed/".Length..];
        if (!string.Equals(topic, expectedTopic, StringComparison.Ordinal) || !EdgeAck.Verify(topic, payload, entry.AckKey))
        {
            return AckOutcome.Forged;
        }
        return Forget(entry) ? AckOutcome.Acknowledged : AckOutcome.Unknown;
    }

    /// <summary>Forgets a message that was published and never acknowledged (the sender gives it up); false if already gone.</summary>
    public bool GiveUp(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Forget(entry);
    }

    /// <summary>Waits until something changes (a message is added or forgotten), <paramref name="wakeAt"/> passes, or <paramref name="ct"/> fires.</summary>
    public async Task WaitForChangeAsync(DateTimeOffset? wakeAt, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (wakeAt is { } at)
        {
            var delay = at - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var waited = _wake.WaitAsync(linked.Token);
                await Task.WhenAny(waited, Task.Delay(delay, time, linked.Token)).ConfigureAwait(false);
                await linked.CancelAsync().ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
            return;
        }
        await _wake.WaitAsync(ct).ConfigureAwait(false);
    }

    private void Add(Entry e)
    {
        var node = _queue.AddLast(e);
        if (e.AwaitsEdgeAck)
        {
            _awaitingAck[(e.KeyId, e.Sequence)] = node;
        }
    }

    private bool Forget(Entry entry)
    {
        lock (_gate)
        {
            if (entry.AwaitsEdgeAck)
            {
                if (!_awaitingAck.Remove((entry.KeyId, entry.Sequence), out var node))
                {
                    return false;
                }
                _queue.Remove(node);
            }
            else
            {
                var node = _queue.Find(entry);
                if (node is null)
                {
                    return false;
                }
                _queue.Remove(node);
            }
        }
        if (SpoolDirectory is not null)
        {
            File.Delete(FileOf(entry.Number));
        }
        _space.Release();
        _wake.Release();
        return true;
    }

    private string FileOf(long number) => Path.Combine(SpoolDirectory!, number.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + Extension);

    /// <summary>Spool record: version 2 (1 byte), u16 topic length, topic, u8 acknowledgement key length (0 or 32), key, payload.</summary>
    private static byte[] Encode(string topic, byte[]? ackKey, byte[] payload)
    {
        var t = Encoding.UTF8.GetBytes(topic);
        var k = ackKey ?? [];
        var b = new byte[1 + 2 + t.Length + 1 + k.Length + payload.Length];
        b[0] = SpoolVersion;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(1), (ushort)t.Length);
        t.CopyTo(b, 3);
        b[3 + t.Length] = (byte)k.Length;
        k.CopyTo(b, 4 + t.Length);
        payload.CopyTo(b, 4 + t.Length + k.Length);
        return b;
    }

    /// <summary>Reads a spool record; a record of the first format (u16 topic length, topic, payload: its first byte is 0) has no acknowledgement key.</summary>
    private static (string Topic, byte[]? AckKey, byte[] Payload) Decode(byte[] b)
    {
        var legacy = b.Length > 0 && b[0] == 0;
        var at = legacy ? 0 : 1;
        if ((!legacy && (b.Length == 0 || b[0] != SpoolVersion)) || b.Length < at + 2 || b.Length < at + 2 + BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at)) + (legacy ? 0 : 1))
        {
            throw new InvalidDataException($"Spool file of {b.Length} bytes is truncated or of an unknown version.");
        }
        int t = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at));
        var topic = Encoding.UTF8.GetString(b, at + 2, t);
        if (legacy)
        {
            return (topic, null, b[(2 + t)..]);
        }
        int k = b[3 + t];
        if (k is not (0 or EdgeAck.KeyLength) || b.Length < 4 + t + k)
        {
            throw new InvalidDataException($"Spool file of {b.Length} bytes has an acknowledgement key of {k} bytes (0 or {EdgeAck.KeyLength} expected).");
        }
        return (topic, k == 0 ? null : b[(4 + t)..(4 + t + k)], b[(4 + t + k)..]);
    }

    public void Dispose()
    {
        _wake.Dispose();
        _space.Dispose();
    }
}
