namespace Qkd.Physics;

/// <summary>Spontaneous Raman scattering of classical channels into the quantum channel's pass band.</summary>
/// <remarks>
/// Model of Eraerds, Walenta, Legré, Gisin, Zbinden, "Quantum key distribution and 1 Gbps data encryption over a
/// single fibre", New J. Phys. 12, 063027 (2010), Eqs. (1)-(2), also used by Patel et al., PRX 2, 041010 (2012):
/// forward (co-propagating) P_f = P_in e^{-a L} rho L dlambda;
/// backward (counter-propagating) P_b = P_in rho dlambda (1 - e^{-2 a L}) / (2 a);
/// P_in launch power [W], a = alpha ln(10)/10 the attenuation [1/km] (taken equal at both wavelengths), L length [km],
/// dlambda Bob's filter bandwidth [nm], rho(lambda) the effective Raman coefficient [1/(km nm)].
/// Spectrum: rho = rho_peak g(|dnu|) (n_th + 1 on the Stokes side, n_th on the anti-Stokes side) / (n_th(13.2 THz) + 1),
/// n_th = 1/(e^{h dnu / k T} - 1) at T = 300 K, g the normalised silica Raman gain, piecewise linear through
/// Stolen's measured shape (Agrawal, Nonlinear Fiber Optics, Fig. 8.2; peak at 13.2 THz).
/// rho_peak default 2e-9 /(km nm): the order of the effective Raman cross-sections Eraerds et al. measured for a
/// 1550 nm pump (their Fig. 2, about 1e-9 to 2e-9 /(km nm) tens of nm from the pump); the estimate
/// rho ~ g_R/(2 A_eff) h nu (1 + n_th) per nm with g_R ~ 6e-14 m/W, A_eff = 80 um^2 gives a few 1e-9, the same order.
/// Treat results as order-of-magnitude estimates; override rho_peak with a measured value.
/// Valid for the linear regime (no stimulated Raman, no four-wave mixing).
/// </remarks>
public static class RamanScattering
{
    /// <summary>Default peak Raman coefficient [1/(km nm)] (see remarks).</summary>
    public const double DefaultPeakPerKmPerNm = 2e-9;

    private const double Planck = 6.62607015e-34;
    private const double Boltzmann = 1.380649e-23;
    private const double LightSpeed = 299_792_458.0;
    private const double TemperatureK = 300;
    private const double PeakShiftHz = 13.2e12;

    // Normalised silica Raman gain g(shift) at shifts [THz] (piecewise linear, after Agrawal Fig. 8.2).
    private static readonly double[] ShiftTHz = [0, 2, 5, 8, 10, 12, 13.2, 14.5, 16, 18, 20, 25, 30, 35, 40];
    private static readonly double[] Gain = [0, 0.12, 0.32, 0.55, 0.70, 0.88, 1.0, 0.92, 0.62, 0.45, 0.30, 0.12, 0.07, 0.04, 0];

    /// <summary>Energy of one photon of wavelength <paramref name="wavelengthNm"/> [J] = h c / lambda.</summary>
    public static double PhotonEnergyJoules(double wavelengthNm) => Planck * LightSpeed / (wavelengthNm * 1e-9);

    /// <summary>Effective Raman coefficient rho [1/(km nm)] scattered from <paramref name="classicalNm"/> into <paramref name="quantumNm"/>.</summary>
    public static double CoefficientPerKmPerNm(double quantumNm, double classicalNm, double peakPerKmPerNm = DefaultPeakPerKmPerNm)
    {
        var shiftHz = LightSpeed / (classicalNm * 1e-9) - LightSpeed / (quantumNm * 1e-9); // > 0: quantum on the Stokes side
        var abs = Math.Abs(shiftHz);
        var g = NormalisedGain(abs / 1e12);
        if (g <= 0)
        {
            // At zero shift the thermal factor diverges as 1/shift while g -> 0 linearly; use the limit.
            var slope = Gain[1] / (ShiftTHz[1] * 1e12);
            var limit = slope * Boltzmann * TemperatureK / Planck;
            return abs < 1 ? peakPerKmPerNm * limit / (Thermal(PeakShiftHz) + 1) : 0;
        }
        var nth = Thermal(abs);
        var factor = shiftHz > 0 ? nth + 1 : nth;
        return peakPerKmPerNm * g * factor / (Thermal(PeakShiftHz) + 1);
    }

    /// <summary>Raman noise power [W] inside Bob's filter band at Bob's fibre end, from one classical channel (Eraerds Eqs. 1-2).</summary>
    public static double NoisePowerWatts(WdmDataChannel channel, Fiber fiber, WdmConfiguration wdm)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(fiber);
        ArgumentNullException.ThrowIfNull(wdm);
        var rho = CoefficientPerKmPerNm(wdm.QuantumWavelengthNm, channel.WavelengthNm, wdm.RamanPeakPerKmPerNm);
        var a = fiber.AttenuationDbPerKm * Math.Log(10) / 10;
        var l = fiber.LengthKm;
        var p = channel.LaunchPowerWatts;
        if (channel.Direction == PropagationDirection.CoPropagating)
        {
            return p * Math.Exp(-a * l) * rho * l * wdm.FilterBandwidthNm;
        }
        // (1 - e^{-2aL})/(2a) -> L as a -> 0.
        var effective = a * l < 1e-9 ? l : -ExpM1(-2 * a * l) / (2 * a);
        return p * rho * wdm.FilterBandwidthNm * effective;
    }

    private static double Thermal(double shiftHz) => 1 / ExpM1(Planck * shiftHz / (Boltzmann * TemperatureK));

    private static double NormalisedGain(double shiftTHz)
    {
        if (shiftTHz <= 0 || shiftTHz >= ShiftTHz[^1])
        {
            return 0;
        }
        var i = 1;
        while (ShiftTHz[i] < shiftTHz)
        {
            i++;
        }
        var t = (shiftTHz - ShiftTHz[i - 1]) / (ShiftTHz[i] - ShiftTHz[i - 1]);
        return Gain[i - 1] + t * (Gain[i] - Gain[i - 1]);
    }

    private static double ExpM1(double x) => KeyRate.Numerics.ExpM1(x);
}
