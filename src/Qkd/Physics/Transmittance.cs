namespace Qkd.Physics;

/// <summary>Conversions between optical loss in decibels and transmittance.</summary>
public static class Transmittance
{
    /// <summary>Transmittance of a loss: t = 10^(-loss/10), loss [dB].</summary>
    /// <remarks>Definition of the decibel; a loss of 0 dB transmits everything.</remarks>
    public static double FromLossDb(double lossDb) => Math.Pow(10, -lossDb / 10);

    /// <summary>Loss [dB] of a transmittance t in (0, 1]: -10 log10 t.</summary>
    public static double ToLossDb(double transmittance) => -10 * Math.Log10(transmittance);
}
