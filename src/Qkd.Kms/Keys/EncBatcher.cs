using System.Threading.Channels;

namespace Qkd.Kms.Keys;

/// <summary>
/// Queue of <c>enc_keys</c> requests of one SAE pair on a relayed route (docs/kms.md "Group commit"),
/// drained by <see cref="GroupsInFlight"/> workers; each worker takes the requests queued so far (at most
/// <see cref="MaxKeysPerGroup"/> keys) and has them served as one group.
/// </summary>
internal sealed class EncBatcher
{
    /// <summary>Most keys one group carries to the peer (bounds the transfer body and the transaction).</summary>
    internal const int MaxKeysPerGroup = 256;

    private readonly Lock _take = new();

    /// <summary>Groups in flight at once per SAE pair: keeps a lone request from waiting for another group's round trip.</summary>
    internal const int GroupsInFlight = 4;

    private sealed record QueuedRequest(EncRequest Request, TaskCompletionSource<EncOutcome> Done);

    private readonly Func<IReadOnlyList<EncRequest>, string, string, Task<IReadOnlyList<EncOutcome>>> _serveGroup;
    private readonly Channel<QueuedRequest> _queue = Channel.CreateUnbounded<QueuedRequest>(
        new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private string _next = "";
    private string _destination = "";

    /// <param name="serveGroup">Serves a group of requests towards (next hop, destination KME); one outcome per request, in order.</param>
    public EncBatcher(Func<IReadOnlyList<EncRequest>, string, string, Task<IReadOnlyList<EncOutcome>>> serveGroup)
    {
        _serveGroup = serveGroup;
    }

    public Task<EncOutcome> SubmitAsync(EncRequest request, string next, string destination, CancellationToken ct)
    {
        // The route of an SAE pair is fixed by the configuration, so every request of this queue has the same hops.
        lock (_queue)
        {
            if (_next.Length == 0)
            {
                _next = next;
                _destination = destination;
                for (var i = 0; i < GroupsInFlight; i++)
                {
                    _ = Task.Run(WorkAsync, CancellationToken.None);
                }
            }
        }
        ct.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<EncOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new QueuedRequest(request, done)))
        {
            throw new ObjectDisposedException(nameof(KeyService), "the KME is stopping");
        }
        return done.Task;
    }

    /// <summary>Stops the workers once the queued requests are served.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private async Task WorkAsync()
    {
        var group = new List<QueuedRequest>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            var keys = 0;
            // Peek and read under one lock: with several workers, another could take the peeked head between the
            // two, and this worker would read the next request unchecked (a group over the bound; seen in CI).
            lock (_take)
            {
                while (keys < MaxKeysPerGroup && _queue.Reader.TryPeek(out var head)
                       && (group.Count == 0 || keys + head.Request.Number <= MaxKeysPerGroup) && _queue.Reader.TryRead(out var item))
                {
                    group.Add(item);
                    keys += item.Request.Number;
                }
            }
            if (group.Count == 0)
            {
                continue;
            }
            try
            {
                var outcomes = await _serveGroup(group.ConvertAll(q => q.Request), _next, _destination);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var q in group)
                {
                    q.Done.TrySetException(e);
                }
            }
        }
    }
}
