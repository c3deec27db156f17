namespace Qkd.KeyRate.FiniteKey;

/// <summary>Parameters of the finite-key (one-decoy) model that are not part of the physical link.</summary>
/// <remarks>
/// Defaults follow Rusca et al., APL 112, 171104 (2018): eps_sec = 1e-9, eps_cor = 1e-15; a block of 1e7 key-basis
/// detections (their Fig. 2 spans 1e4..1e9 bits); the signal sent with probability 0.7.
/// </remarks>
public sealed record FiniteKeyParameters
{
    /// <summary>Default block size n_Z [bits].</summary>
    public const double DefaultBlockBits = 1e7;

    /// <summary>n_Z: raw-key block size, the number of key-basis (Z) detections per block [bits], within [1e3, 1e15].</summary>
    public double BlockBits { get; }

    /// <summary>eps_sec: secrecy parameter, within (0, 1).</summary>
    public double EpsilonSecrecy { get; }

    /// <summary>eps_cor: correctness parameter, within (0, 1).</summary>
    public double EpsilonCorrectness { get; }

    /// <summary>p_mu1: probability that Alice sends the signal intensity (the decoy otherwise), within (0, 1).</summary>
    public double SignalProbability { get; }

    /// <summary>
    /// f_s: fraction of the n_Z key-basis detections disclosed (and discarded) to estimate the key-basis QBER, within
    /// [0, 0.999]. 0 is the published protocol (Rusca et al. 2018 and Lim et al. 2014 take E_Z from error correction and
    /// keep every Z detection); the simulator's sifting discloses a random sample, so its block keeps (1 - f_s) n_Z bits
    /// and the bound is applied to the kept counts (a random subset chosen after detection, independent of the photon
    /// number, so the decoy estimates hold for it as for the whole set).
    /// </summary>
    public double KeySampleFraction { get; }

    public FiniteKeyParameters(double blockBits = DefaultBlockBits, double epsilonSecrecy = 1e-9, double epsilonCorrectness = 1e-15,
        double signalProbability = 0.7, double keySampleFraction = 0)
    {
        KeySampleFraction = Guard.InRange(keySampleFraction, 0, 0.999, "", "Key-basis sample fraction f_s");
        BlockBits = Guard.InRange(blockBits, 1e3, 1e15, "bits", "Block size n_Z");
        EpsilonSecrecy = Guard.InRange(epsilonSecrecy, 1e-30, 0.1, "", "Secrecy parameter eps_sec");
        EpsilonCorrectness = Guard.InRange(epsilonCorrectness, 1e-30, 0.1, "", "Correctness parameter eps_cor");
        SignalProbability = Guard.InRange(signalProbability, 0.01, 0.99, "", "Signal probability p_mu1");
    }

    /// <summary>The defaults.</summary>
    public static FiniteKeyParameters Default { get; } = new();
}
