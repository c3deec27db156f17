using Qkd.Bits;

namespace Qkd.Quantum.Qrng;

/// <summary>
/// Simulated raw samples of <see cref="VacuumHomodyneModel"/>: x = sigma_q g1 + sigma_e g2 (+ offset
/// for the biased fault) with g1, g2 standard normal, digitised as code = clamp(floor((x + R) / Delta),
/// 0, 2^n - 1). Seeded, so runs are reproducible; not a source of real randomness.
/// </summary>
public sealed class VacuumHomodyneSource : IEntropySource
{
    private readonly VacuumHomodyneModel _model;
    private readonly SourceFault _fault;
    private SimRandom _random;

    public VacuumHomodyneSource(VacuumHomodyneModel model, ulong seed, SourceFault fault = SourceFault.None)
    {
        _model = Guard.NotNull(model).Validate();
        _fault = fault;
        _random = new SimRandom(seed);
        ClaimedMinEntropyPerSample = model.MinEntropyPerSample();
    }

    /// <inheritdoc />
    public string Name => $"simulated vacuum homodyne ({_model.AdcBits}-bit ADC, {_model.ClearanceDb:G3} dB clearance{(_fault == SourceFault.None ? "" : ", fault " + _fault)})";

    /// <inheritdoc />
    public int BitsPerSample => _model.AdcBits;

    /// <inheritdoc />
    public double ClaimedMinEntropyPerSample { get; }

    /// <inheritdoc />
    public int ReadSamples(Span<byte> destination)
    {
        var top = (1 << _model.AdcBits) - 1;
        var range = _model.HalfRange;
        var width = _model.BinWidth;
        var sigmaE = _model.ElectronicSigma;
        var offset = _fault == SourceFault.Biased ? range : 0;
        for (var i = 0; i < destination.Length; i++)
        {
            if (_fault == SourceFault.Stuck)
            {
                destination[i] = (byte)(top / 2);
                continue;
            }
            var (g1, g2) = Gaussian.NextPair(ref _random);
            var x = g1 + sigmaE * g2 + offset;
            var code = (int)Math.Floor((x + range) / width);
            destination[i] = (byte)Math.Clamp(code, 0, top);
        }
        return destination.Length;
    }
}
