using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Qkd.Bb84.Link;
using Qkd.Bb84.Wire;
using Qkd.Bits;
using Qkd.Classical;

namespace Qkd.Bb84.Sifting;

/// <summary>
/// Alice's side of sifting, sample disclosure and decoy announcement. She holds her own records only (for
/// each pulse that will be reported: index, intensity, basis, bit) and learns everything else from Bob's
/// messages through the <see cref="IClassicalChannel"/>.
/// </summary>
/// <remarks>
/// The simulator hands Alice records only for pulses that clicked, because the other pulses are never
/// sampled; she looks each reported index up and fails if Bob reports one she has no record of, so she
/// never relies on knowing which pulses clicked before Bob says so.
/// </remarks>
public sealed class AliceProtocol
{
    /// <summary>Stream number of Alice's sampling choices.</summary>
    internal const ulong SamplingStream = ulong.MaxValue - 1;

    private readonly SimulationSettings _settings;
    private readonly ReadOnlyMemory<long> _indices;
    private readonly ReadOnlyMemory<byte> _records;
    private readonly ImmutableArray<long> _pulsesPerIntensity;

    /// <param name="settings">The run's settings (intensities, protocol, sample fraction, seed).</param>
    /// <param name="pulseIndices">Increasing pulse indices of Alice's records.</param>
    /// <param name="records">Per record: intensity &lt;&lt; 2 | basis &lt;&lt; 1 | bit (basis 0 = Z).</param>
    /// <param name="pulsesPerIntensity">Pulses she sent at each intensity.</param>
    public AliceProtocol(SimulationSettings settings, ReadOnlyMemory<long> pulseIndices, ReadOnlyMemory<byte> records, ImmutableArray<long> pulsesPerIntensity)
    {
        _settings = Guard.NotNull(settings);
        Guard.SameLength(pulseIndices.Length, records.Length, "Alice's pulse indices and records");
        Guard.SameLength(pulsesPerIntensity.Length, settings.Intensities.Length, "Pulses per intensity and intensities");
        _indices = pulseIndices;
        _records = records;
        _pulsesPerIntensity = pulsesPerIntensity;
    }

    /// <summary>Runs Alice's side to the end over <paramref name="channel"/>.</summary>
    public async Task<SiftingOutcome> RunAsync(IClassicalChannel channel, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(channel);
        // 1. Bob's detection report.
        var report = new WireReader(await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false));
        report.Expect(SiftingMessages.DetectionReport, "detection report");
        var count = checked((int)report.VarUInt());
        var mine = Lookup(report, count);
        var bobBasis = new byte[count];
        report.Packed(count, 1, bobBasis);
        report.EnsureEnd();

        // 2. Bases and intensities (and pulses per intensity): the sifting and decoy announcement.
        var records = _records.Span;
        var aliceRecord = new byte[count];
        for (var i = 0; i < count; i++)
        {
            aliceRecord[i] = records[mine[i]];
        }
        var k = _settings.Intensities.Length;
        var announce = new WireWriter(16 + 10 * k + count / 2);
        announce.Byte(SiftingMessages.BasisAndIntensity);
        announce.VarUInt((ulong)k);
        foreach (var p in _pulsesPerIntensity)
        {
            announce.VarUInt((ulong)p);
        }
        announce.Packed(aliceRecord, 1, 1);
        announce.Packed(aliceRecord, 2, 2);
        await channel.SendAsync(announce.Written, cancellationToken).ConfigureAwait(false);

        // 3. Roles, sample, disclosure.
        var (roles, sampled, disclosedBits, disclosedCount, keyPositions, keyCount) = Disclose(aliceRecord, bobBasis);
        var disclosure = new WireWriter(16 + sampled.Length / 8 + disclosedCount / 8);
        disclosure.Byte(SiftingMessages.Disclosure);
        disclosure.Packed(sampled, 0, 1);
        disclosure.Packed(disclosedBits.AsSpan(0, disclosedCount), 0, 1);
        await channel.SendAsync(disclosure.Written, cancellationToken).ConfigureAwait(false);

        // 4. Bob's error counts.
        var errors = new WireReader(await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false));
        errors.Expect(SiftingMessages.ErrorCounts, "error counts");
        var disclosedCounts = new long[2 * k];
        var errorCounts = new long[2 * k];
        if ((int)errors.VarUInt() != k)
        {
            throw new FormatException("Error counts message names a different number of intensities.");
        }
        for (var i = 0; i < 2 * k; i++)
        {
            disclosedCounts[i] = (long)errors.VarUInt();
            errorCounts[i] = (long)errors.VarUInt();
        }
        errors.EnsureEnd();

        var key = SiftedKeys.Gather(aliceRecord, keyPositions.AsSpan(0, keyCount));
        var statistics = SiftingTally.Build(aliceRecord, 2, roles, bobBasis, _pulsesPerIntensity, disclosedCounts, errorCounts, keyCount);
        Array.Clear(aliceRecord); // held key bits
        Array.Clear(disclosedBits);
        return new SiftingOutcome(key, ImmutableCollectionsMarshal.AsImmutableArray(keyPositions[..keyCount]), statistics);
    }

    /// <summary>Applies the sifting rule, draws the disclosed sample of the key set and collects the disclosed bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (SiftedRole[] Roles, byte[] Sampled, byte[] DisclosedBits, int DisclosedCount, int[] KeyPositions, int KeyCount) Disclose(
        byte[] aliceRecord, byte[] bobBasis)
    {
        var count = aliceRecord.Length;
        var table = SiftingRule.Table(_settings);
        var roles = new SiftedRole[count];
        var keySet = 0;
        for (var i = 0; i < count; i++)
        {
            var role = table[(aliceRecord[i] >> 1) * 2 + bobBasis[i]];
            roles[i] = role;
            keySet += role == SiftedRole.Key ? 1 : 0;
        }
        var random = SimRandom.ForStream(_settings.Seed, SamplingStream);
        var fraction = _settings.SampleFraction;
        var sampled = new byte[keySet];
        var disclosedBits = new byte[count];
        var keyPositions = new int[keySet];
        int disclosed = 0, kept = 0, j = 0;
        for (var i = 0; i < count; i++)
        {
            var role = roles[i];
            if (role == SiftedRole.Key)
            {
                var sample = random.NextDouble() < fraction;
                sampled[j++] = sample ? (byte)1 : (byte)0;
                if (!sample)
                {
                    keyPositions[kept++] = i;
                    continue;
                }
            }
            if (role != SiftedRole.Discarded)
            {
                disclosedBits[disclosed++] = (byte)(aliceRecord[i] & 1);
            }
        }
        return (roles, sampled, disclosedBits, disclosed, keyPositions, kept);
    }

    /// <summary>Reads Bob's delta-coded indices and finds Alice's record of each (merge walk over increasing indices).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] Lookup(WireReader report, int count)
    {
        var indices = _indices.Span;
        var mine = new int[count];
        long previous = -1;
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            var index = previous + (long)report.VarUInt();
            while (at < indices.Length && indices[at] < index)
            {
                at++;
            }
            if (at >= indices.Length || indices[at] != index)
            {
                throw new FormatException($"Bob reported pulse {index}, which Alice has no record of.");
            }
            mine[i] = at++;
            previous = index;
        }
        return mine;
    }
}
