namespace Qkd.Quantum;

/// <summary>
/// An orthonormal single-qubit measurement basis {|b0>, |b1>} given by the unitary U with
/// U|0> = |b0> and U|1> = |b1>. Outcome 0 means |b0>, outcome 1 means |b1>.
/// </summary>
/// <remarks>
/// A measurement in this basis applies U^dagger, measures in the computational basis and applies U
/// again, so the qubit collapses onto |b0> or |b1> (the projective measurement postulate, Nielsen
/// and Chuang 2000, Sec. 2.2.5).
/// </remarks>
public readonly record struct MeasurementBasis(SingleQubitGate Rotation)
{
    /// <summary>The computational (rectilinear, H/V) basis {|0>, |1>}.</summary>
    public static MeasurementBasis Z => new(SingleQubitGate.I);

    /// <summary>The diagonal basis {|+>, |->}.</summary>
    public static MeasurementBasis X => new(SingleQubitGate.H);

    /// <summary>The circular basis {|+i>, |-i>} (U = S H).</summary>
    public static MeasurementBasis Y => new(SingleQubitGate.H.Then(SingleQubitGate.S));

    /// <summary>
    /// A linear-polarisation analyser at angle theta [rad]: |b0> = cos(theta)|0> + sin(theta)|1>,
    /// |b1> = -sin(theta)|0> + cos(theta)|1>; U = R_y(2 theta). Theta = 0 is Z, theta = pi/4 is X.
    /// </summary>
    public static MeasurementBasis LinearPolarization(double angleRad) => new(SingleQubitGate.Ry(2 * angleRad));

    /// <summary>
    /// The basis whose outcome 0 is the Bloch vector (polar theta, azimuth phi) [rad]:
    /// |b0> = cos(theta/2)|0> + e^{i phi} sin(theta/2)|1> up to a global phase; U = R_z(phi) R_y(theta).
    /// </summary>
    public static MeasurementBasis Bloch(double polarRad, double azimuthRad)
        => new(SingleQubitGate.Ry(polarRad).Then(SingleQubitGate.Rz(azimuthRad)));
}
