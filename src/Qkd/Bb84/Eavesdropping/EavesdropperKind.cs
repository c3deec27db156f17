namespace Qkd.Bb84.Eavesdropping;

/// <summary>The attacks the simulator can mount on the quantum channel.</summary>
public enum EavesdropperKind
{
    /// <summary>No eavesdropper: the fibre is the fibre.</summary>
    None,

    /// <summary>Eve measures a fraction of the pulses in a random basis and resends her result.</summary>
    InterceptResend,

    /// <summary>Photon-number splitting: Eve keeps one photon of multi-photon pulses and blocks single photons, over a lossless channel.</summary>
    PhotonNumberSplitting,

    /// <summary>Beam splitting: Eve replaces the lossy fibre with a lossless one and keeps the light the fibre would have lost.</summary>
    BeamSplitting,
}
