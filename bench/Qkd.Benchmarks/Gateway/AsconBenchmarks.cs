using BenchmarkDotNet.Attributes;
using Qkd.Bits;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Sealing;

namespace Qkd.Benchmarks;

/// <summary>
/// The lightweight `ascon` sealing mode beside `aes-gcm` for 100-byte readings (seal + open inside one key epoch,
/// header, replay state and all): the baseline is aes-gcm, so Ratio is Ascon's cost relative to AES-256-GCM on a
/// CPU with AES-NI (a constrained device without AES hardware is where Ascon wins; this machine is not one).
/// </summary>
[MemoryDiagnoser]
public class AsconBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private byte[] _payload = null!;
    private readonly Dictionary<SealingMode, (MessageSealer Sealer, MessageOpener Opener)> _streams = [];

    [Params(100)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SimRandom(2027);
        _payload = new byte[PayloadBytes];
        for (var i = 0; i < _payload.Length; i++)
        {
            _payload[i] = (byte)random.NextUInt64();
        }
        var key = new byte[32];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = (byte)random.NextUInt64();
        }
        foreach (var mode in new[] { SealingMode.AesGcm, SealingMode.Ascon })
        {
            var sealer = new MessageSealer(mode, "SAE_A", "pac4200-1", new KeyRefreshPolicy(TimeSpan.FromDays(1), long.MaxValue));
            var opener = new MessageOpener();
            var id = new Guid(key.AsSpan(0, 16));
            sealer.Install(new QkdKey(id, (byte[])key.Clone()), Now);
            var first = sealer.Seal(_payload, Now);
            var need = (OpenOutcome.NeedsKey)opener.Open(sealer.Topic, first);
            opener.Install(need.Header, new QkdKey(id, (byte[])key.Clone()));
            opener.Open(sealer.Topic, first);
            _streams[mode] = (sealer, opener);
        }
    }

    [Benchmark(Baseline = true)]
    public int AesGcmSealOpen() => SealOpen(SealingMode.AesGcm);

    [Benchmark]
    public int AsconSealOpen() => SealOpen(SealingMode.Ascon);

    private int SealOpen(SealingMode mode)
    {
        var (sealer, opener) = _streams[mode];
        var message = sealer.Seal(_payload, Now);
        return opener.Open(sealer.Topic, message) is OpenOutcome.Opened o ? o.Plaintext.Length : -1;
    }
}
