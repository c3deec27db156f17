using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Qkd.KeyManagement;

namespace Qkd.Kms.Supply;

/// <summary>
/// A stand-in QKD link for `kms dev` and tests: uniformly random key blocks from
/// <see cref="RandomNumberGenerator"/> at a constant secret-key rate. The default rate is the Turin
/// testbed's average 1.3 kbit/s (seed 002, Fig. 5a: 12.7 km, 10.8 dB channel loss, QBER 1.5 %).
/// The BB84 post-processing plugs in behind <see cref="IKeySupply"/> in its place.
/// </summary>
/// <remarks>
/// Pacing: one block per <paramref name="period"/>; block j carries floor(R * (j+1) * T / 8) - floor(R * j * T / 8)
/// bytes, R the rate [bit/s], T the period [s], so the long-run rate is exactly R (to one byte) with no drift.
/// </remarks>
public sealed class SimulatedKeySupply(string linkId, double rateBitsPerSecond, TimeSpan period, TimeProvider time) : IKeySupply
{
    /// <summary>Turin quantum testbed average secret key rate, 1.3 kbit/s (seed 002, section 3 and Fig. 5a).</summary>
    public const double TurinTestbedRateBitsPerSecond = 1300;

    public string LinkId { get; } = linkId;

    public double RateBitsPerSecond { get; } = Guard.InRange(rateBitsPerSecond, 1, 1e10, "bit/s");

    /// <summary>Bytes of block <paramref name="index"/> (see remarks).</summary>
    public long BlockBytes(long index)
    {
        var t = period.TotalSeconds;
        return (long)Math.Floor(RateBitsPerSecond * (index + 1) * t / 8) - (long)Math.Floor(RateBitsPerSecond * index * t / 8);
    }

    public async IAsyncEnumerable<KeyBlock> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period, time);
        for (long j = 0; await timer.WaitForNextTickAsync(cancellationToken); j++)
        {
            var bytes = BlockBytes(j);
            if (bytes > 0)
            {
                yield return new KeyBlock(Guid.NewGuid(), RandomNumberGenerator.GetBytes((int)bytes));
            }
        }
    }

    /// <summary>One block of <paramref name="bits"/> random bits at once (prefilling a pool); bits rounded down to bytes.</summary>
    public static KeyBlock Burst(long bits) => new(Guid.NewGuid(), RandomNumberGenerator.GetBytes(checked((int)(bits / 8))));
}
