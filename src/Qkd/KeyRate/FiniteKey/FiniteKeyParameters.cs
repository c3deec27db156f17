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

    public FiniteKeyParameters(double blockBits = DefaultBlockBits, double epsilonSecrecy = 1e-9, double epsilonCorrectness = 1e-15,
        double signalProbability = 0.7)
    {
        BlockBits = Guard.InRange(blockBits, 1e3, 1e15, "bits", "Block size n_Z");
        EpsilonSecrecy = Guard.InRange(epsilonSecrecy, 1e-30, 0.1, "", "Secrecy parameter eps_sec");
        EpsilonCorrectness = Guard.InRange(epsilonCorrectness, 1e-30, 0.1, "", "Correctness parameter eps_cor");
        SignalProbability = Guard.InRange(signalProbability, 0.01, 0.99, "", "Signal probability p_mu1");
    }

    /// <summary>The defaults.</summary>
    public static FiniteKeyParameters Default { get; } = new();
}
