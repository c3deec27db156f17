using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;

namespace Qkd.Physics;

/// <summary>Puts a quantum channel on a WDM fibre: insertion loss and noise counts from classical channels.</summary>
public static class WdmLink
{
    /// <summary>
    /// Noise count probability per detection window at Bob from the classical channels:
    /// p = sum_c [(P_raman,c + P_leak,c) 10^(-IL_demux/10) / (h c / lambda_q)] eta_Bob dt.
    /// P_raman from <see cref="RamanScattering.NoisePowerWatts"/>; in-band leakage of the carrier through Bob's filter
    /// P_leak = P_c 10^(-isolation/10), P_c the carrier power at Bob's end: P_in 10^(-alpha L/10) when co-propagating,
    /// P_in (near-end crosstalk of Bob's own mux) when counter-propagating. eta_Bob the detection efficiency, dt the window [s].
    /// Source: Eraerds et al., NJP 12, 063027 (2010), Sec. 3 (noise photons per gate); Patel et al., PRX 2, 041010 (2012), Eq. (1).
    /// Valid while p &lt;&lt; 1 (clipped at 0.5).
    /// </summary>
    public static double NoiseCountProbability(LinkDescription link, WdmConfiguration wdm, IReadOnlyList<WdmDataChannel> channels)
    {
        Guard.NotNull(link);
        Guard.NotNull(wdm).Validated();
        Guard.NotNull(channels);
        if (wdm.Kind == WdmKind.None || channels.Count == 0)
        {
            return 0;
        }
        var photonJ = RamanScattering.PhotonEnergyJoules(wdm.QuantumWavelengthNm);
        var demux = Transmittance.FromLossDb(wdm.DemuxInsertionLossDb);
        var isolation = Transmittance.FromLossDb(wdm.IsolationDb);
        double watts = 0;
        foreach (var c in channels)
        {
            var carrierAtBob = c.Direction == PropagationDirection.CoPropagating ? c.LaunchPowerWatts * link.Fiber.Transmittance : c.LaunchPowerWatts;
            watts += RamanScattering.NoisePowerWatts(c, link.Fiber, wdm) + carrierAtBob * isolation;
        }
        var p = watts * demux / photonJ * link.Detector.Efficiency * wdm.DetectionWindowSeconds;
        return Math.Min(0.5, p);
    }

    /// <summary>
    /// The link with the WDM's insertion loss added to its extra loss and the classical channels' noise added to its
    /// noise count probability (replacing any earlier WDM noise is the caller's business: call once per link).
    /// </summary>
    public static LinkDescription Apply(LinkDescription link, WdmConfiguration wdm, IReadOnlyList<WdmDataChannel> channels)
    {
        Guard.NotNull(link);
        var noise = NoiseCountProbability(link, wdm, channels);
        return link.With(extraLossDb: link.ExtraLossDb + wdm.InsertionLossDb, noiseCountProbability: Math.Min(0.5, link.NoiseCountProbability + noise));
    }

    /// <summary>
    /// Highest launch power [dBm] per classical channel (all channels scaled together) at which the link still yields a
    /// positive key with <paramref name="model"/>; bisection on dBm within [-40, 27], tolerance 0.01 dB. Returns
    /// 27 when even that leaves key, NaN when there is no key even at -40 dBm, +infinity without classical channels.
    /// </summary>
    public static double MaxTolerableLaunchPowerDbm(IKeyRateModel model, LinkDescription link, WdmConfiguration wdm, IReadOnlyList<WdmDataChannel> channels)
    {
        Guard.NotNull(model);
        Guard.NotNull(channels);
        if (channels.Count == 0)
        {
            return double.PositiveInfinity;
        }
        var offsets = new double[channels.Count];
        for (var i = 0; i < channels.Count; i++)
        {
            offsets[i] = channels[i].LaunchPowerDbm - channels[0].LaunchPowerDbm;
        }
        bool HasKey(double dbm)
        {
            var scaled = new WdmDataChannel[channels.Count];
            for (var i = 0; i < scaled.Length; i++)
            {
                scaled[i] = channels[i].WithLaunchPower(Math.Clamp(dbm + offsets[i], -40, 27));
            }
            return KeyRateAnalysis.Point(model, Apply(link, wdm, scaled), null).RawKeyRatePerPulse > 0;
        }
        if (!HasKey(-40))
        {
            return double.NaN;
        }
        if (HasKey(27))
        {
            return 27;
        }
        double lo = -40, hi = 27;
        while (hi - lo > 0.01)
        {
            var mid = 0.5 * (lo + hi);
            if (HasKey(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
