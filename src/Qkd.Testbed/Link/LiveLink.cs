using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Estimation;
using Qkd.Bb84.Link;
using Qkd.Bb84.Sifting;
using Qkd.Bits;
using Qkd.Distillation;
using Qkd.KeyManagement;
using Qkd.PostProcessing;

namespace Qkd.Testbed.Link;

/// <summary>
/// A simulated QKD link watched live: the BB84 link simulator runs slice after slice of link time
/// (<see cref="LiveLinkSettings.SliceSeconds"/>), each slice meeting the attacker the <see cref="EavesdropperWindow"/>
/// puts there, and every <see cref="LiveLinkSettings.SlicesPerBlock"/> slices form one block
/// (<see cref="SimulationBlocks.Concatenate"/>) that <see cref="KeyDistillation"/> carries to secret key. Delivered
/// blocks are yielded as <see cref="KeyBlock"/>s (Alice's final key, whole bytes) for a KMS supply pump.
/// </summary>
/// <remarks>
/// Pacing: slice j covers link time [j d, (j+1) d) and is released when (j+1) d / s wall-clock seconds have passed
/// since <see cref="ReadBlocksAsync"/> started (d the slice [s], s the time scale), or as soon as it is computed
/// when the simulator is slower. A block is distilled in the background once its last slice is released and is
/// yielded when distillation ends, so post-processing latency is real.
/// Live alarm: raised while the key-basis QBER over the last <see cref="LiveLinkSettings.AlarmWindowSeconds"/> of link
/// time exceeds <see cref="QberAlarmThreshold"/> on at least <see cref="AlarmMinimumDisclosedBits"/> disclosed bits
/// (intercept-resend, beam splitting with noise), or while the decoy's share of the window's clicks is far below
/// the honest channel's (<see cref="DecoyGainCheck"/>: photon-number splitting, which leaves the QBER alone).
/// A block is rejected when its final key is shorter than 64 bits (finite-key bound, QBER abort, or authentication
/// cost), when verification fails or when the two final keys differ (compared in constant time); the reason is kept.
/// </remarks>
public sealed class LiveLink : IKeySupply
{
    /// <summary>
    /// Live QBER alarm [fraction]: 5 %. Turin's observed QBER is 1.5 % (seed 002); a 5-s window holds about 13,000
    /// disclosed bits, whose standard error at 1.5 % is 0.1 %, so 5 % is 30 standard errors above it. A full
    /// intercept-resend attack in random bases gives 25 % (Gisin, Ribordy, Tittel, Zbinden, Rev. Mod. Phys. 74, 145,
    /// 2002, section VI.A: Eve picks the wrong basis half the time and then Bob errs half the time), so a fifth of the
    /// pulses attacked already trips it.
    /// </summary>
    public const double QberAlarmThreshold = 0.05;

    /// <summary>Disclosed bits the alarm window needs before it may fire.</summary>
    public const long AlarmMinimumDisclosedBits = 1000;

    /// <summary>Shortest final key delivered [bits].</summary>
    public const int MinimumSecretBits = 64;

    private readonly ILinkObserver? _observer;
    private readonly TimeProvider _time;
    private readonly Qkd.Physics.LinkDescription _link;
    private readonly ProtocolKind _protocol;
    private readonly Queue<SiftingStatistics> _window = new();
    private readonly int _windowSlices;
    private long _delivered, _rejected, _secretBits, _siftedBits, _slices;

    public LiveLink(string linkId, LiveLinkSettings settings, TimeProvider time, ILinkObserver? observer = null)
    {
        LinkId = linkId;
        Settings = Guard.NotNull(settings).Validated();
        _time = Guard.NotNull(time);
        _observer = observer;
        _link = settings.Link.Link;
        _protocol = settings.Link.Protocol;
        _windowSlices = Math.Max(1, (int)Math.Round(settings.AlarmWindowSeconds / settings.SliceSeconds));
    }

    public string LinkId { get; }

    public LiveLinkSettings Settings { get; }

    /// <summary>Blocks delivered so far.</summary>
    public long BlocksDelivered => Interlocked.Read(ref _delivered);

    /// <summary>Blocks rejected so far.</summary>
    public long BlocksRejected => Interlocked.Read(ref _rejected);

    /// <summary>Secret bits delivered so far.</summary>
    public long SecretBits => Interlocked.Read(ref _secretBits);

    /// <summary>Sifted bits of the slices released so far.</summary>
    public long SiftedBits => Interlocked.Read(ref _siftedBits);

    /// <summary>Link time released so far [s].</summary>
    public double LinkSeconds => Interlocked.Read(ref _slices) * Settings.SliceSeconds;

    /// <summary>The settings of slice <paramref name="index"/>: its own seed stream and the attacker its start meets.</summary>
    public SimulationSettings SliceSettings(long index)
    {
        var pulses = (long)Math.Ceiling(Settings.SliceSeconds * _link.Source.RepetitionRateHz);
        var seed = SimRandom.ForStream(Settings.Link.Seed, (ulong)index).NextUInt64();
        return SimulationSettings.FromLink(_link, _protocol, pulses, seed, Settings.Eve.At(index * Settings.SliceSeconds));
    }

    public async IAsyncEnumerable<KeyBlock> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keys = Channel.CreateUnbounded<KeyBlock>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(keys.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (await keys.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (keys.Reader.TryRead(out var block))
                {
                    yield return block;
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
            while (keys.Reader.TryRead(out var left))
            {
                CryptographicOperations.ZeroMemory(left.Key);
            }
        }
        await producer.ConfigureAwait(false);
    }

    private async Task ProduceAsync(ChannelWriter<KeyBlock> keys, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var pending = new List<SimulationResult>();
        var distilling = new List<Task>();
        Exception? failure = null;
        try
        {
            for (long j = 0; ; j++)
            {
                var slice = await LinkSimulator.RunAsync(SliceSettings(j), maxThreads: 1, cancellationToken: ct).ConfigureAwait(false);
                var due = TimeSpan.FromSeconds((j + 1) * Settings.SliceSeconds / Settings.TimeScale) - _time.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _time, ct).ConfigureAwait(false);
                }
                Release(j, slice, _time.GetElapsedTime(started).TotalSeconds);
                pending.Add(slice);
                if (pending.Count == Settings.SlicesPerBlock)
                {
                    var index = (j + 1) / Settings.SlicesPerBlock - 1;
                    var parts = pending.ToArray();
                    pending.Clear();
                    distilling.RemoveAll(t => t.IsCompleted);
                    distilling.Add(Task.Run(() => DistilAsync(index, parts, keys, started, ct), ct));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            failure = e;
        }
        foreach (var s in pending)
        {
            Wipe(s);
        }
        try
        {
            await Task.WhenAll(distilling).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        keys.TryComplete(failure is null ? null : new InvalidOperationException($"Link {LinkId}: the simulated link stopped: {failure.Message}", failure));
    }

    private void Release(long index, SimulationResult slice, double runSeconds)
    {
        Interlocked.Increment(ref _slices);
        Interlocked.Add(ref _siftedBits, slice.SiftedBits);
        var s = slice.Statistics;
        lock (_window)
        {
            _window.Enqueue(s);
            while (_window.Count > _windowSlices)
            {
                _window.Dequeue();
            }
        }
        SiftingStatistics summed;
        lock (_window)
        {
            summed = SimulationBlocks.SumStatistics([.. _window]);
        }
        long windowPulses = 0;
        foreach (var p in summed.Pulses)
        {
            windowPulses += p;
        }
        var windowSettings = SimulationSettings.FromLink(_link, _protocol, Math.Max(1, windowPulses), 0);
        var (windowQber, disclosed) = SimulationBlocks.KeyQber(windowSettings, summed);
        var estimate = SecurityEstimator.Estimate(windowSettings, summed);
        var qberAlarm = disclosed >= AlarmMinimumDisclosedBits && windowQber > QberAlarmThreshold;
        var (decoyZ, decoyAlarm) = DecoyGainCheck.Evaluate(windowSettings, summed);
        var alarm = qberAlarm || decoyAlarm;
        var reason = qberAlarm && decoyAlarm ? "qber+decoy" : qberAlarm ? "qber" : decoyAlarm ? "decoy" : "";
        var zOnly = _protocol == ProtocolKind.ThreeState || slice.Settings.Estimation == EstimationMethod.OneDecoyFiniteKey;
        var decoy = s.Pulses.Length > 1 ? (zOnly ? s.ErrorRate(1, 0) : s.ErrorRate(1)) : double.NaN;
        _observer?.OnSlice(new LinkSecond(LinkId, (index + 1) * Settings.SliceSeconds, runSeconds, slice.Pulses, slice.Detections, slice.SiftedBits,
            slice.SiftedBits / Settings.SliceSeconds, zOnly ? s.ErrorRate(0, 0) : s.ErrorRate(0), decoy, windowQber, estimate.E1Upper, estimate.Y1Lower,
            slice.Settings.Eve.IsActive, alarm, decoyZ, reason));
    }

    private async Task DistilAsync(long index, SimulationResult[] slices, ChannelWriter<KeyBlock> keys, long started, CancellationToken ct)
    {
        SimulationResult block;
        try
        {
            block = SimulationBlocks.Concatenate(slices);
        }
        finally
        {
            foreach (var s in slices)
            {
                Wipe(s);
            }
        }
        long eveOn = 0;
        foreach (var s in slices)
        {
            eveOn += s.Settings.Eve.IsActive ? s.Pulses : 0;
        }
        Distilled distilled;
        try
        {
            distilled = await DistilBlockAsync(block, ct).ConfigureAwait(false);
        }
        finally
        {
            block.AliceSiftedKey.Wipe();
            block.BobSiftedKey.Wipe();
        }
        var (alice, reason, leaked, gross, auth, prediction) = distilled;
        var secret = alice is null ? 0 : alice.LongLength * 8;
        if (alice is null)
        {
            Interlocked.Increment(ref _rejected);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
            Interlocked.Add(ref _secretBits, secret);
        }
        var start = index * Settings.SlicesPerBlock * Settings.SliceSeconds;
        _observer?.OnBlock(new BlockRecord(LinkId, index, start, start + slices.Length * Settings.SliceSeconds, _time.GetElapsedTime(started).TotalSeconds,
            block.SiftedBits, block.Qber, block.Y1Lower, block.E1Upper, leaked, gross, auth, secret,
            alice is null ? BlockRecord.Rejected : BlockRecord.Delivered, alice is null ? reason : null, eveOn / (double)block.Pulses, prediction.Model,
            prediction.SecretKeyRateBps, double.IsFinite(prediction.StandardDeviationBps) ? prediction.StandardDeviationBps : 0));
        if (alice is not null && !keys.TryWrite(new KeyBlock(Guid.NewGuid(), alice)))
        {
            CryptographicOperations.ZeroMemory(alice);
        }
    }

    /// <summary>What distilling one block gave: Alice's final key bytes (null when rejected), why not, and its accounting.</summary>
    private readonly record struct Distilled(byte[]? Key, string? Reason, long LeakedBits, long GrossBits, long AuthenticationBits, AnalyticPrediction Prediction);

    /// <summary>
    /// Distils one block and checks that both ends hold the same final key (compared in constant time; Bob's copy
    /// is wiped here, the sifted keys by the caller). The prediction is the analytic finite-key rate of the block,
    /// after distilling with the f the reconciliation achieved (same leak).
    /// </summary>
    private async Task<Distilled> DistilBlockAsync(SimulationResult block, CancellationToken ct)
    {
        var prediction = KeyDistillation.Predict(block, Settings.PostProcessing.EpsilonSecrecy);
        if (block.SiftedBits < MinimumSecretBits)
        {
            return new Distilled(null, $"{block.SiftedBits} sifted bits, too few to distil", 0, 0, 0, prediction);
        }
        var distilled = await KeyDistillation.DistillAsync(block, Settings.PostProcessing, TimeProvider.System, ct).ConfigureAwait(false);
        var report = distilled.PostProcessing.Report;
        prediction = KeyDistillation.Predict(block, Settings.PostProcessing.EpsilonSecrecy, report.MeanEfficiency);
        var outcome = report.Blocks.Length > 0 ? report.Blocks[0] : null;
        var auth = report.AuthenticationKeyReplenishedBits;
        var gross = report.SecretBits + auth;
        var a = distilled.PostProcessing.AliceKeys[0];
        var b = distilled.PostProcessing.BobKeys[0];
        byte[]? alice = null;
        string? reason;
        try
        {
            reason = RejectionReason(block, outcome, a, gross, auth);
            if (reason is null)
            {
                alice = WholeBytes(a!);
                var bob = WholeBytes(b!);
                if (!CryptographicOperations.FixedTimeEquals(alice, bob))
                {
                    reason = "final keys differ (verification passed a wrong block)";
                    CryptographicOperations.ZeroMemory(alice);
                    alice = null;
                }
                CryptographicOperations.ZeroMemory(bob);
            }
        }
        finally
        {
            a?.Wipe();
            b?.Wipe();
        }
        return new Distilled(alice, reason, report.LeakedBits, gross, auth, prediction);
    }

    /// <summary>Why a distilled block gives no key; null when it delivers.</summary>
    private static string? RejectionReason(SimulationResult block, BlockReport? outcome, BitString? alice, long grossBits, long authenticationBits)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        if (outcome is null)
        {
            return "post-processing produced no block report";
        }
        switch (outcome.Outcome)
        {
            case BlockOutcome.QberAboveThreshold:
                return string.Format(c, "QBER {0:P1} above the abort threshold", outcome.QberEstimate);
            case BlockOutcome.FrameError:
                return "verification hashes differed after error correction";
            case BlockOutcome.AuthenticationFailure:
                return "a classical message failed authentication";
        }
        if (alice is null || alice.Length < MinimumSecretBits)
        {
            if (!block.Secure || grossBits == 0)
            {
                return string.Format(c, "finite-key bound gives no secret key (QBER {0:P1}, e1 <= {1:P1}, Y1 >= {2:G3})", block.Qber, block.E1Upper, block.Y1Lower);
            }
            return string.Format(c, "authentication cost ({0} bits) took the whole gross key ({1} bits)", authenticationBits, grossBits);
        }
        return null;
    }

    private static byte[] WholeBytes(BitString key)
    {
        var all = key.ToBytes();
        var bytes = all.AsSpan(0, key.Length / 8).ToArray();
        CryptographicOperations.ZeroMemory(all);
        return bytes;
    }

    private static void Wipe(SimulationResult s)
    {
        s.AliceSiftedKey.Wipe();
        s.BobSiftedKey.Wipe();
    }
}
