namespace Qkd.Bb84.Estimation;

/// <summary>How the simulator bounds the single-photon yield and error, and therefore which sifted bits form the key.</summary>
public enum EstimationMethod
{
    /// <summary>Ideal single photons: Y1 = Q, e1 = E. Key from all sifted bits.</summary>
    SinglePhotonSource,

    /// <summary>Weak coherent pulses without decoys: GLLP worst case, every multi-photon pulse assumed attacked.</summary>
    GllpWithoutDecoy,

    /// <summary>Vacuum + weak decoy bounds (Ma, Qi, Zhao, Lo 2005), asymptotic GLLP rate. Key from signal pulses, decoys disclosed.</summary>
    VacuumPlusWeak,

    /// <summary>One-decoy finite-key bound (Rusca et al. 2018). Key from Z-basis bits of both intensities, X disclosed.</summary>
    OneDecoyFiniteKey,
}
