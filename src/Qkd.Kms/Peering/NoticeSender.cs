using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Qkd.Kms.Observability;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Peering;

/// <summary>
/// Delivers the durable outbox of key notices towards one linked KME (docs/kms.md "Key leases"):
/// within <see cref="CollectWindow"/> of a served request (a signal; requests served meanwhile ride
/// in the same message), every second (entries left by a restart or by another process on the same database), and
/// on demand when the peer's slave asked for a key not yet noticed. Entries are removed only after
/// the peer answered 200, so delivery is at least once; the peer ignores a repeated notice.
/// While sends fail, the peer counts as unreachable and no further keys are served towards it.
/// </summary>
public sealed class NoticeSender : IDisposable
{
    /// <summary>Most notices in one message.</summary>
    internal const int MaxNoticesPerMessage = 256;

    /// <summary>
    /// After a signal, notices are collected this long before they are sent, so that at a high request
    /// rate one message carries many (at 1,000 req/s about ten); a slave asking earlier pulls them at once.
    /// </summary>
    internal static readonly TimeSpan CollectWindow = TimeSpan.FromMilliseconds(10);

    private static readonly byte[] Head = "{\"notices\":["u8.ToArray();
    private static readonly byte[] Tail = "]}"u8.ToArray();

    private readonly string _peer;
    private readonly IKeyStore _store;
    private readonly PeerClient _client;
    private readonly KmsMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile string? _failure;

    private readonly AuditLog _audit;
    private bool _refusalReported;

    public NoticeSender(string peer, IKeyStore store, PeerClient client, KmsMetrics metrics, AuditLog audit, ILogger logger)
    {
        _audit = audit;
        _peer = peer;
        _store = store;
        _client = client;
        _metrics = metrics;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>False while the last attempt to reach the peer failed (send, lease or flush).</summary>
    public bool PeerReachable => _failure is null;

    /// <summary>Why the peer counts as unreachable (for the 503 message), or null.</summary>
    public string? Failure => _failure;

    /// <summary>Records the outcome of any call to the peer (a lease answered proves it reachable).</summary>
    public void Observe(TransferStatus status, string reason)
    {
        if (status == TransferStatus.Unreachable)
        {
            _failure = reason;
        }
        else if (_failure is not null)
        {
            _failure = null;
        }
    }

    /// <summary>A notice was appended to the outbox: send soon.</summary>
    public void Signal() => _signal.Writer.TryWrite(true);

    /// <summary>Sends everything in the outbox now; true when it is empty afterwards.</summary>
    public async Task<bool> FlushAsync(CancellationToken ct)
    {
        await _sending.WaitAsync(ct);
        try
        {
            while (true)
            {
                var batch = await _store.ReadOutboxAsync(_peer, MaxNoticesPerMessage, ct);
                if (batch.Count == 0)
                {
                    return true;
                }
                var (status, reason, reply) = await _client.SendNoticesAsync(_peer, Compose(batch), ct);
                if (status != TransferStatus.Accepted)
                {
                    // Any failure, not only "unreachable": while the peer does not take the notices, its slaves could
                    // never fetch the keys this KME would serve, so serving towards it stops.
                    _failure = status == TransferStatus.Unreachable ? reason : $"KME {_peer} refused key notices ({reason})";
                    Log.NoticesFailed(_logger, _peer, reason, batch.Count);
                    return false;
                }
                if (reply is { Refused: > 0 })
                {
                    // Kept in the outbox (not deleted) and reported once per episode: the peer refused notices of keys
                    // already served here (the KMEs disagree, e.g. on keys.maxSizeBits). Serving stops until it takes them.
                    _failure = $"KME {_peer} refused {reply.Refused} key notices";
                    if (!_refusalReported)
                    {
                        _refusalReported = true;
                        _metrics.NoticesRefused.WithLabels(_peer).Inc(reply.Refused);
                        Log.NoticesFailed(_logger, _peer, _failure, reply.Refused);
                        _audit.NoticesRefused(_peer, batch.SelectMany(e => KeyIdsOf(e.Payload)).ToList(), reply.Refused);
                    }
                    return false;
                }
                Observe(status, reason);
                _refusalReported = false;
                await _store.DeleteOutboxAsync(batch.Select(e => e.Sequence).ToList(), ct);
                _metrics.NoticesSent.WithLabels(_peer).Inc(batch.Count);
                if (batch.Count < MaxNoticesPerMessage)
                {
                    return true;
                }
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private static IEnumerable<Guid> KeyIdsOf(byte[] notice)
        => System.Text.Json.JsonSerializer.Deserialize<KeyTransferDto>(notice)?.Keys.Select(k => k.KeyId) ?? [];

    private static byte[] Compose(IReadOnlyList<OutboxEntry> batch)
    {
        var length = Head.Length + Tail.Length + batch.Count - 1 + batch.Sum(e => e.Payload.Length);
        var json = new byte[length];
        Head.CopyTo(json, 0);
        var at = Head.Length;
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                json[at++] = (byte)',';
            }
            batch[i].Payload.CopyTo(json, at);
            at += batch[i].Payload.Length;
        }
        Tail.CopyTo(json, at);
        return json;
    }

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                // Healthy: wait for a signal (or 1 s for entries written elsewhere). Failing: retry every 250 ms.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(token);
                wait.CancelAfter(PeerReachable ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(250));
                try
                {
                    await _signal.Reader.ReadAsync(wait.Token);
                    await Task.Delay(CollectWindow, token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                }
                await FlushAsync(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A store failure must not end the loop: the outbox is durable and is tried again.
                Log.NoticesFailed(_logger, _peer, e.GetType().Name, 0);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
