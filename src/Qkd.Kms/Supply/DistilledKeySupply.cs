using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qkd.Bb84.Link;
using Qkd.Bits;
using Qkd.Distillation;
using Qkd.KeyManagement;
using Qkd.Kms.Observability;
using Qkd.PostProcessing;

namespace Qkd.Kms.Supply;

/// <summary>
/// A QKD link made of the simulated BB84 chain: block after block, <see cref="LinkSimulator"/> simulates
/// <see cref="DistilledLinkOptions.BlockSeconds"/> of the link and <see cref="KeyDistillation"/> carries it through
/// Cascade, verification, privacy amplification and authentication; each block whose final keys agree becomes one
/// <see cref="KeyBlock"/> holding Alice's final key (whole bytes).
/// </summary>
/// <remarks>
/// Pacing (the KMS sees the link's own secret key rate): block j covers link time [j T, (j+1) T) and is released
/// when (j+1) T has passed on the <see cref="TimeProvider"/> since the enumeration started, T the block's link time
/// [s]; a block whose computation finishes later is released as soon as it is ready. Computing runs ahead on one
/// background task, bounded: at most two blocks are computed and not yet released besides the one waiting for its
/// release time.
/// Dropped blocks (counted, logged by count only): "not-secure" when the final key is shorter than 64 bits (QBER
/// abort, finite-key bound, or a key that did not pay back the block's authentication tags: the pipeline pays them
/// back in 64-bit words first, so a remainder of 64 bits or more means they were paid in full) and "keys-differ"
/// when Alice's and Bob's final keys differ (compared in constant time).
/// </remarks>
public sealed class DistilledKeySupply : IKeySupply
{
    /// <summary>Shortest final key delivered [bits] (see remarks).</summary>
    public const int MinimumSecretBits = 64;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<SimulationResult, CancellationToken, Task<DistillationResult>> _distil;
    private readonly TaskCompletionSource<DistilledBlockReport> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _computed, _produced, _dropped, _secretBits, _linkTicks;
    private DistilledBlockReport? _last;
    private Exception? _failure;

    public DistilledKeySupply(string linkId, DistilledLinkOptions link, TimeProvider time, ILogger? logger = null)
        : this(linkId, link, time, logger, null)
    {
    }

    /// <summary>With the distillation step replaced (tests: e.g. a chain whose keys are made to differ).</summary>
    internal DistilledKeySupply(string linkId, DistilledLinkOptions link, TimeProvider time, ILogger? logger,
        Func<SimulationResult, CancellationToken, Task<DistillationResult>>? distil)
    {
        LinkId = linkId;
        Link = Guard.NotNull(link).Validated();
        _time = Guard.NotNull(time);
        _logger = logger ?? NullLogger.Instance;
        // The pipeline's clock times an in-memory conversation (compute time, receive timeouts), not the link time that
        // _time paces releases by.
        _distil = distil ?? ((simulation, ct) => KeyDistillation.DistillAsync(simulation, Options, TimeProvider.System, ct));
    }

    /// <summary>Post-processing settings: the pipeline's defaults (most efficient Cascade, eps_sec = 1e-10).</summary>
    public static PostProcessingOptions Options { get; } = new();

    public string LinkId { get; }

    public DistilledLinkOptions Link { get; }

    /// <summary>Blocks computed (simulated and distilled) so far, released or not.</summary>
    public long BlocksComputed => Interlocked.Read(ref _computed);

    /// <summary>Blocks released to the consumer.</summary>
    public long BlocksProduced => Interlocked.Read(ref _produced);

    /// <summary>Blocks dropped at their release time (not secure, or keys differ).</summary>
    public long BlocksDropped => Interlocked.Read(ref _dropped);

    /// <summary>Secret bits released (whole bytes).</summary>
    public long SecretBits => Interlocked.Read(ref _secretBits);

    /// <summary>Link time of the released and dropped blocks [s].</summary>
    public double LinkSeconds => Interlocked.Read(ref _linkTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>The last block released or dropped; null before the first.</summary>
    public DistilledBlockReport? LastBlock => Volatile.Read(ref _last);

    /// <summary>Completes with the report of block 0 as soon as it is computed (before its release time): the start-up rate.</summary>
    public Task<DistilledBlockReport> FirstBlockComputed => _first.Task;

    public async IAsyncEnumerable<KeyBlock> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var ready = Channel.CreateBounded<Computed>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(ready.Writer, stop.Token), CancellationToken.None);
        var releaseTicks = 0L;
        try
        {
            while (true)
            {
                if (!await ready.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
                if (!ready.Reader.TryRead(out var block))
                {
                    continue;
                }
                releaseTicks += TimeSpan.FromSeconds(block.Report.LinkSeconds).Ticks;
                try
                {
                    var wait = TimeSpan.FromTicks(releaseTicks) - _time.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch
                {
                    Wipe(block.Key);
                    throw;
                }
                Release(block.Report);
                if (block.Key is not null)
                {
                    yield return new KeyBlock(Guid.NewGuid(), block.Key);
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            while (ready.Reader.TryRead(out var left))
            {
                Wipe(left.Key);
            }
        }
        if (_failure is { } failure)
        {
            throw new InvalidOperationException($"Link {LinkId}: the simulated key supply stopped: {failure.Message}", failure);
        }
    }

    private async Task ProduceAsync(ChannelWriter<Computed> writer, CancellationToken ct)
    {
        try
        {
            for (long j = 0; ; j++)
            {
                var block = await ComputeAsync(j, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _computed);
                if (j == 0)
                {
                    _first.TrySetResult(block.Report);
                }
                try
                {
                    await writer.WriteAsync(block, ct).ConfigureAwait(false);
                }
                catch
                {
                    Wipe(block.Key);
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _first.TrySetCanceled(ct);
        }
        catch (Exception e)
        {
            _failure = e;
            _first.TrySetException(e);
        }
        writer.TryComplete();
    }

    /// <summary>Simulates and distils block <paramref name="index"/>; wipes every key copy but the one it returns.</summary>
    private async Task<Computed> ComputeAsync(long index, CancellationToken ct)
    {
        var settings = Link.BlockSettings(index);
        var simulation = await LinkSimulator.RunAsync(settings, maxThreads: 1, cancellationToken: ct).ConfigureAwait(false);
        var (model, analytic) = KeyDistillation.AnalyticRate(simulation);
        try
        {
            if (simulation.SiftedBits < 64)
            {
                return new Computed(null, Report(DistilledBlockReport.NotSecureOutcome, 0, 0));
            }
            var distilled = await _distil(simulation, ct).ConfigureAwait(false);
            var alice = distilled.PostProcessing.AliceKeys[0];
            var bob = distilled.PostProcessing.BobKeys[0];
            var paid = distilled.PostProcessing.Report.AuthenticationKeyReplenishedBits;
            byte[]? aliceBytes = null, bobBytes = null;
            try
            {
                if (alice is null || bob is null || alice.Length < MinimumSecretBits)
                {
                    return new Computed(null, Report(DistilledBlockReport.NotSecureOutcome, 0, paid));
                }
                aliceBytes = WholeBytes(alice);
                bobBytes = WholeBytes(bob);
                if (!CryptographicOperations.FixedTimeEquals(aliceBytes, bobBytes))
                {
                    Wipe(aliceBytes);
                    return new Computed(null, Report(DistilledBlockReport.KeysDifferOutcome, 0, paid));
                }
                return new Computed(aliceBytes, Report(DistilledBlockReport.DeliveredOutcome, aliceBytes.LongLength * 8, paid));
            }
            finally
            {
                alice?.Wipe();
                bob?.Wipe();
                Wipe(bobBytes);
            }
        }
        finally
        {
            simulation.AliceSiftedKey.Wipe();
            simulation.BobSiftedKey.Wipe();
        }

        DistilledBlockReport Report(string outcome, long secretBits, long authenticationBits)
            => new(index, settings.Seed, settings.LinkSeconds, simulation.SiftedBits, secretBits, authenticationBits, outcome, model, analytic);
    }

    private void Release(DistilledBlockReport report)
    {
        Interlocked.Add(ref _linkTicks, TimeSpan.FromSeconds(report.LinkSeconds).Ticks);
        Volatile.Write(ref _last, report);
        if (report.Delivered)
        {
            Interlocked.Increment(ref _produced);
            Interlocked.Add(ref _secretBits, report.SecretBits);
        }
        else
        {
            var dropped = Interlocked.Increment(ref _dropped);
            Log.DistilledBlockDropped(_logger, LinkId, report.Index, report.Outcome, report.SiftedBits, dropped);
        }
    }

    /// <summary>The key's whole bytes (bit i in bit i % 8 of byte i / 8); the last partial byte is discarded.</summary>
    private static byte[] WholeBytes(BitString key)
    {
        var all = key.ToBytes();
        var bytes = all.AsSpan(0, key.Length / 8).ToArray();
        CryptographicOperations.ZeroMemory(all);
        return bytes;
    }

    private static void Wipe(byte[]? key)
    {
        if (key is not null)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private readonly record struct Computed(byte[]? Key, DistilledBlockReport Report);
}
