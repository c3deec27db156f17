using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Qkd.KeyManagement;
using Qkd.Kms.Observability;

namespace Qkd.Kms.Supply;

/// <summary>
/// Feeds one QKD link's blocks to the KMEs at both of its ends, identically (same ID, same bytes),
/// through their authenticated supply endpoints, then wipes the block.
/// </summary>
public sealed class KeySupplyPump(HttpsKeyBlockSink alice, HttpsKeyBlockSink bob, ILogger logger)
{
    /// <summary>Blocks delivered to both ends.</summary>
    public long BlocksDelivered => Interlocked.Read(ref _delivered);

    private long _delivered;
    private TaskCompletionSource _nextDelivery = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once <see cref="BlocksDelivered"/> has reached <paramref name="count"/> (no polling: each delivery wakes the waiters).</summary>
    public async Task WaitForDeliveriesAsync(long count, CancellationToken ct)
    {
        while (true)
        {
            var next = Volatile.Read(ref _nextDelivery).Task;
            if (BlocksDelivered >= count)
            {
                return;
            }
            await next.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers one block to both KMEs concurrently; true when both stored it.</summary>
    public async Task<bool> DeliverAsync(KeyBlock block, CancellationToken ct)
    {
        try
        {
            var results = await Task.WhenAll(TryDeliver(alice, block, ct), TryDeliver(bob, block, ct));
            if (results[0] && results[1])
            {
                Interlocked.Increment(ref _delivered);
                Interlocked.Exchange(ref _nextDelivery, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                return true;
            }
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block.Key);
        }
    }

    /// <summary>Pumps <paramref name="supply"/> until cancelled.</summary>
    public async Task RunAsync(IKeySupply supply, CancellationToken ct)
    {
        try
        {
            await foreach (var block in supply.ReadBlocksAsync(ct))
            {
                await DeliverAsync(block, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryDeliver(HttpsKeyBlockSink sink, KeyBlock block, CancellationToken ct)
    {
        try
        {
            await sink.DeliverAsync(block, ct);
            return true;
        }
        catch (HttpRequestException e)
        {
            Log.SupplyFailed(logger, sink.KmeUrl.ToString(), block.Id, e.Message);
            return false;
        }
    }
}
