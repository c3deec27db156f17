namespace Qkd.Quantum.Qrng;

/// <summary>Failure modes of the simulated source, for exercising the health tests.</summary>
public enum SourceFault
{
    /// <summary>Working source.</summary>
    None,

    /// <summary>The digitiser repeats one code (dead photodiode, frozen ADC).</summary>
    Stuck,

    /// <summary>A large DC offset drives most samples into the top ADC bin (unbalanced detector).</summary>
    Biased,
}
