namespace Qkd.Physics;

/// <summary>
/// The WDM equipment of one link as the quantum channel sees it: insertion losses, filter isolation and bandwidth at
/// Bob, the quantum wavelength, the detector's time window and the fibre's Raman coefficient.
/// </summary>
/// <remarks>
/// Defaults (<see cref="For"/>) are typical datasheet values, not measurements of a given product: passive thin-film
/// DWDM mux/demux 1.0 dB each with 100 GHz (0.8 nm) channels; active WDM adds the quantum wavelength through
/// passive OADM filters inside the powered equipment, 1.5 dB each, with the same filters. Isolation 120 dB is the
/// cascade of the demux (~30-50 dB) and dedicated narrow filters in front of Bob, as in Eraerds et al. and Patel et al.:
/// a 0 dBm carrier is ~8e15 photons/s, so keeping its leakage below 1e-7 counts per 1 ns window at 10 % efficiency needs
/// more than ~110 dB. Raman peak coefficient: see <see cref="RamanScattering"/>.
/// </remarks>
public sealed record WdmConfiguration
{
    /// <summary>The WDM type.</summary>
    public WdmKind Kind { get; init; }

    /// <summary>Insertion loss of the multiplexer at Alice's end for the quantum wavelength [dB], within [0, 20].</summary>
    public double MuxInsertionLossDb { get; init; }

    /// <summary>Insertion loss of the demultiplexer (and filter) at Bob's end [dB], within [0, 20].</summary>
    public double DemuxInsertionLossDb { get; init; }

    /// <summary>Isolation of Bob's quantum port against each classical wavelength [dB], within [0, 200].</summary>
    public double IsolationDb { get; init; }

    /// <summary>Pass band of Bob's quantum filter [nm], within (0, 100].</summary>
    public double FilterBandwidthNm { get; init; }

    /// <summary>Quantum channel wavelength [nm], within [1260, 1675].</summary>
    public double QuantumWavelengthNm { get; init; }

    /// <summary>Detector gate or coincidence window per pulse [s] during which noise photons count, within (0, 1e-6].</summary>
    public double DetectionWindowSeconds { get; init; }

    /// <summary>Peak (Stokes, 13.2 THz) effective Raman coefficient rho [1/(km nm)], within [0, 1e-6].</summary>
    public double RamanPeakPerKmPerNm { get; init; }

    /// <summary>Typical values for <paramref name="kind"/> (see remarks); quantum channel at 1550.12 nm, 1 ns window.</summary>
    public static WdmConfiguration For(WdmKind kind) => kind switch
    {
        WdmKind.None => new() { Kind = kind, MuxInsertionLossDb = 0, DemuxInsertionLossDb = 0, IsolationDb = 200, FilterBandwidthNm = 0.8, QuantumWavelengthNm = 1550.12, DetectionWindowSeconds = 1e-9, RamanPeakPerKmPerNm = RamanScattering.DefaultPeakPerKmPerNm },
        WdmKind.Passive => new() { Kind = kind, MuxInsertionLossDb = 1.0, DemuxInsertionLossDb = 1.0, IsolationDb = 120, FilterBandwidthNm = 0.8, QuantumWavelengthNm = 1550.12, DetectionWindowSeconds = 1e-9, RamanPeakPerKmPerNm = RamanScattering.DefaultPeakPerKmPerNm },
        _ => new() { Kind = kind, MuxInsertionLossDb = 1.5, DemuxInsertionLossDb = 1.5, IsolationDb = 120, FilterBandwidthNm = 0.8, QuantumWavelengthNm = 1550.12, DetectionWindowSeconds = 1e-9, RamanPeakPerKmPerNm = RamanScattering.DefaultPeakPerKmPerNm },
    };

    /// <summary>Checks every field's range once; returns this.</summary>
    public WdmConfiguration Validated()
    {
        Guard.InRange(MuxInsertionLossDb, 0, 20, "dB", "WDM mux insertion loss");
        Guard.InRange(DemuxInsertionLossDb, 0, 20, "dB", "WDM demux insertion loss");
        Guard.InRange(IsolationDb, 0, 200, "dB", "WDM isolation");
        Guard.InRange(FilterBandwidthNm, 1e-4, 100, "nm", "Quantum filter bandwidth");
        Guard.InRange(QuantumWavelengthNm, 1260, 1675, "nm", "Quantum wavelength");
        Guard.InRange(DetectionWindowSeconds, 1e-13, 1e-6, "s", "Detection window");
        Guard.InRange(RamanPeakPerKmPerNm, 0, 1e-6, "1/(km nm)", "Raman peak coefficient");
        return this;
    }

    /// <summary>Mux plus demux insertion loss [dB], added to the link's extra loss.</summary>
    public double InsertionLossDb => Kind == WdmKind.None ? 0 : MuxInsertionLossDb + DemuxInsertionLossDb;
}
