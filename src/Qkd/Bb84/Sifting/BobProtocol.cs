using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Qkd.Bb84.Link;
using Qkd.Bb84.Wire;
using Qkd.Classical;

namespace Qkd.Bb84.Sifting;

/// <summary>
/// Bob's side of sifting: he reports his clicks and bases, learns Alice's bases and intensities, counts the
/// errors among the bits she discloses and reports the counts back. He holds only his own records.
/// </summary>
public sealed class BobProtocol
{
    private readonly SimulationSettings _settings;
    private readonly ReadOnlyMemory<long> _indices;
    private readonly ReadOnlyMemory<byte> _records;

    /// <param name="settings">The run's settings.</param>
    /// <param name="pulseIndices">Increasing pulse indices of Bob's clicks.</param>
    /// <param name="records">Per click: basis &lt;&lt; 1 | bit (basis 0 = Z).</param>
    public BobProtocol(SimulationSettings settings, ReadOnlyMemory<long> pulseIndices, ReadOnlyMemory<byte> records)
    {
        _settings = Guard.NotNull(settings);
        Guard.SameLength(pulseIndices.Length, records.Length, "Bob's pulse indices and records");
        _indices = pulseIndices;
        _records = records;
    }

    /// <summary>Runs Bob's side to the end over <paramref name="channel"/>.</summary>
    public async Task<SiftingOutcome> RunAsync(IClassicalChannel channel, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(channel);
        var count = _indices.Length;
        // 1. Detection report.
        var report = new WireWriter(16 + count * 3);
        report.Byte(SiftingMessages.DetectionReport);
        report.VarUInt((ulong)count);
        long previous = -1;
        var indices = _indices.Span;
        for (var i = 0; i < count; i++)
        {
            report.VarUInt((ulong)(indices[i] - previous));
            previous = indices[i];
        }
        var records = _records.ToArray();
        report.Packed(records, 1, 1);
        await channel.SendAsync(report.Written, cancellationToken).ConfigureAwait(false);

        // 2. Alice's bases, intensities and pulses per intensity.
        var announce = new WireReader(await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false));
        announce.Expect(SiftingMessages.BasisAndIntensity, "basis and intensity announcement");
        var k = (int)announce.VarUInt();
        if (k != _settings.Intensities.Length)
        {
            throw new FormatException($"Alice announced {k} intensities, but the settings have {_settings.Intensities.Length}.");
        }
        var pulses = new long[k];
        for (var i = 0; i < k; i++)
        {
            pulses[i] = (long)announce.VarUInt();
        }
        var aliceBasis = new byte[count];
        var intensities = new byte[count];
        announce.Packed(count, 1, aliceBasis);
        announce.Packed(count, 2, intensities);
        announce.EnsureEnd();

        var (roles, bobBasis, keySet) = Classify(records, aliceBasis, intensities, k);

        // 3. Disclosure: sample map over the key set, then Alice's bits of every disclosed position.
        var disclosure = new WireReader(await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false));
        disclosure.Expect(SiftingMessages.Disclosure, "disclosure");
        var sampled = new byte[keySet];
        disclosure.Packed(keySet, 1, sampled);
        var sampledCount = 0;
        foreach (var x in sampled)
        {
            sampledCount += x;
        }
        var keyCount = keySet - sampledCount;
        var disclosedCount = 0;
        foreach (var role in roles)
        {
            disclosedCount += role == SiftedRole.Disclosed ? 1 : 0;
        }
        disclosedCount += sampledCount;
        var aliceBits = new byte[disclosedCount];
        disclosure.Packed(disclosedCount, 1, aliceBits);
        disclosure.EnsureEnd();

        var (disclosedCounts, errorCounts, keyPositions) = CountErrors(records, roles, intensities, bobBasis, sampled, aliceBits, keyCount, k);

        // 4. Error counts back to Alice.
        var counts = new WireWriter(8 + 8 * k);
        counts.Byte(SiftingMessages.ErrorCounts);
        counts.VarUInt((ulong)k);
        for (var i = 0; i < 2 * k; i++)
        {
            counts.VarUInt((ulong)disclosedCounts[i]);
            counts.VarUInt((ulong)errorCounts[i]);
        }
        await channel.SendAsync(counts.Written, cancellationToken).ConfigureAwait(false);

        var key = SiftedKeys.Gather(records, keyPositions);
        Array.Clear(records); // held key bits
        var statistics = SiftingTally.Build(intensities, 0, roles, bobBasis, [.. pulses], disclosedCounts, errorCounts, keyCount);
        return new SiftingOutcome(key, ImmutableCollectionsMarshal.AsImmutableArray(keyPositions), statistics);
    }

    /// <summary>Applies the sifting rule to every click.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (SiftedRole[] Roles, byte[] BobBasis, int KeySet) Classify(byte[] records, byte[] aliceBasis, byte[] intensities, int k)
    {
        var count = records.Length;
        var table = SiftingRule.Table(_settings);
        var roles = new SiftedRole[count];
        var bobBasis = new byte[count];
        var keySet = 0;
        for (var i = 0; i < count; i++)
        {
            if (intensities[i] >= k)
            {
                throw new FormatException($"Alice announced intensity {intensities[i]}, but there are {k}.");
            }
            bobBasis[i] = (byte)(records[i] >> 1);
            var role = table[intensities[i] * 4 + aliceBasis[i] * 2 + bobBasis[i]];
            roles[i] = role;
            keySet += role == SiftedRole.Key ? 1 : 0;
        }
        return (roles, bobBasis, keySet);
    }

    /// <summary>Counts errors among the disclosed bits per intensity and basis, and lists the kept key positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (long[] Disclosed, long[] Errors, int[] KeyPositions) CountErrors(byte[] records, SiftedRole[] roles, byte[] intensities,
        byte[] bobBasis, byte[] sampled, byte[] aliceBits, int keyCount, int k)
    {
        var disclosedCounts = new long[2 * k];
        var errorCounts = new long[2 * k];
        var keyPositions = new int[keyCount];
        for (int i = 0, j = 0, d = 0, kept = 0; i < records.Length; i++)
        {
            var role = roles[i];
            if (role == SiftedRole.Key && sampled[j++] == 0)
            {
                keyPositions[kept++] = i;
            }
            else if (role != SiftedRole.Discarded)
            {
                var slot = intensities[i] * 2 + bobBasis[i];
                disclosedCounts[slot]++;
                errorCounts[slot] += (aliceBits[d++] ^ records[i]) & 1;
            }
        }
        return (disclosedCounts, errorCounts, keyPositions);
    }
}
