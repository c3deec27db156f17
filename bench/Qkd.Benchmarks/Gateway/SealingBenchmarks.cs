using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Qkd.Bits;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Sealing;

namespace Qkd.Benchmarks;

/// <summary>
/// Seal-then-open throughput of one gateway stream per mode against bare AES-256-GCM (encrypt + decrypt, no
/// header, no key epochs, no replay state). A 24-byte payload is one power-monitor sample; 1024 bytes a larger
/// record. OTP includes taking a fresh 64-kbit key at both ends whenever the pad runs out (that is its real
/// cost); AES-GCM and hybrid run inside one key epoch, and <see cref="HybridEpochStart"/> prices an epoch change
/// (ML-KEM-768 encapsulation + decapsulation + HKDF + AES key schedule at both ends).
/// </summary>
[MemoryDiagnoser]
public class SealingBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int OtpKeyBits = 65536;
    private byte[] _payload = null!;
    private byte[] _plainCipher = null!;
    private byte[] _plainOut = null!;
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _tag = new byte[16];
    private AesGcm _plainAes = null!;
    private readonly Dictionary<SealingMode, (MessageSealer Sealer, MessageOpener Opener)> _streams = [];
    private MlKem768 _kem = null!;
    private byte[] _otpMaterial = null!;
    private ulong _counter;

    [Params(24, 1024)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SimRandom(2026);
        _payload = Bytes(ref random, PayloadBytes);
        _plainCipher = new byte[PayloadBytes];
        _plainOut = new byte[PayloadBytes];
        _plainAes = new AesGcm(Bytes(ref random, 32), 16);
        _otpMaterial = Bytes(ref random, OtpKeyBits / 8);
        _kem = MlKem768.Generate();
        foreach (var mode in new[] { SealingMode.AesGcm, SealingMode.Otp, SealingMode.Hybrid })
        {
            var sealer = new MessageSealer(mode, "SAE_A", "pac4200-1", new KeyRefreshPolicy(TimeSpan.FromDays(1), long.MaxValue),
                mode == SealingMode.Hybrid ? _kem.EncapsulationKey : null, OtpKeyBits);
            _streams[mode] = (sealer, new MessageOpener(_kem));
        }
    }

    private static byte[] Bytes(ref SimRandom random, int n)
    {
        var b = new byte[n];
        for (var i = 0; i < n; i++)
        {
            b[i] = (byte)random.NextUInt64();
        }
        return b;
    }

    [Benchmark(Baseline = true)]
    public int PlainAesGcmRoundTrip()
    {
        _counter++;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(4), _counter);
        _plainAes.Encrypt(_nonce, _payload, _plainCipher, _tag);
        _plainAes.Decrypt(_nonce, _plainCipher, _tag, _plainOut);
        return _plainOut[0];
    }

    [Benchmark]
    public int AesGcmSealOpen() => SealOpen(SealingMode.AesGcm);

    [Benchmark]
    public int OtpSealOpen() => SealOpen(SealingMode.Otp);

    [Benchmark]
    public int HybridSealOpen() => SealOpen(SealingMode.Hybrid);

    [Benchmark]
    public int HybridEpochStart()
    {
        var (sealer, opener) = _streams[SealingMode.Hybrid];
        InstallBoth(sealer, opener, 256);
        return 0;
    }

    private int SealOpen(SealingMode mode)
    {
        var (sealer, opener) = _streams[mode];
        if (sealer.NeedsKey(Now, _payload.Length))
        {
            var message0 = InstallBoth(sealer, opener, sealer.KeyRequestBits);
            return message0;
        }
        var sealedMessage = sealer.Seal(_payload, Now);
        return opener.Open(sealer.Topic, sealedMessage) is OpenOutcome.Opened o ? o.Plaintext.Length : -1;
    }

    /// <summary>A new key epoch at both ends (fresh key ID), opened with its first message.</summary>
    private int InstallBoth(MessageSealer sealer, MessageOpener opener, int bits)
    {
        var id = Guid.NewGuid();
        var material = _otpMaterial.AsSpan(0, bits / 8);
        sealer.Install(new QkdKey(id, material.ToArray()), Now);
        var first = sealer.Seal(_payload, Now);
        var need = (OpenOutcome.NeedsKey)opener.Open(sealer.Topic, first);
        opener.Install(need.Header, new QkdKey(id, material.ToArray()));
        return opener.Open(sealer.Topic, first) is OpenOutcome.Opened o ? o.Plaintext.Length : -1;
    }
}
