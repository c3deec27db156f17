using System.Numerics;

namespace Qkd.Quantum;

/// <summary>
/// A single-qubit unitary as its 2x2 matrix [[M00, M01], [M10, M11]] in the computational basis
/// {|0>, |1>}: it maps a0|0> + a1|1> to (M00 a0 + M01 a1)|0> + (M10 a0 + M11 a1)|1>.
/// </summary>
/// <remarks>
/// The matrices are the textbook ones: Nielsen and Chuang, "Quantum Computation and Quantum
/// Information" (Cambridge University Press, 2000), Fig. 4.2 (X, Y, Z, H, S, T) and Eqs. (4.4)-(4.6)
/// (rotations R_x, R_y, R_z about the Bloch-sphere axes by theta [rad]).
/// </remarks>
public readonly record struct SingleQubitGate(Complex M00, Complex M01, Complex M10, Complex M11)
{
    private static readonly double InvSqrt2 = 1 / Math.Sqrt(2);

    /// <summary>Identity.</summary>
    public static SingleQubitGate I => new(1, 0, 0, 1);

    /// <summary>Pauli X (NOT): [[0, 1], [1, 0]].</summary>
    public static SingleQubitGate X => new(0, 1, 1, 0);

    /// <summary>Pauli Y: [[0, -i], [i, 0]].</summary>
    public static SingleQubitGate Y => new(0, -Complex.ImaginaryOne, Complex.ImaginaryOne, 0);

    /// <summary>Pauli Z: [[1, 0], [0, -1]].</summary>
    public static SingleQubitGate Z => new(1, 0, 0, -1);

    /// <summary>Hadamard: [[1, 1], [1, -1]] / sqrt 2.</summary>
    public static SingleQubitGate H => new(InvSqrt2, InvSqrt2, InvSqrt2, -InvSqrt2);

    /// <summary>Phase gate S = diag(1, i).</summary>
    public static SingleQubitGate S => new(1, 0, 0, Complex.ImaginaryOne);

    /// <summary>pi/8 gate T = diag(1, e^{i pi/4}).</summary>
    public static SingleQubitGate T => new(1, 0, 0, Complex.FromPolarCoordinates(1, Math.PI / 4));

    /// <summary>R_x(theta) = [[cos(theta/2), -i sin(theta/2)], [-i sin(theta/2), cos(theta/2)]], theta [rad].</summary>
    public static SingleQubitGate Rx(double thetaRad)
    {
        var c = Math.Cos(thetaRad / 2);
        var s = Math.Sin(thetaRad / 2);
        return new(c, new Complex(0, -s), new Complex(0, -s), c);
    }

    /// <summary>R_y(theta) = [[cos(theta/2), -sin(theta/2)], [sin(theta/2), cos(theta/2)]], theta [rad].</summary>
    public static SingleQubitGate Ry(double thetaRad)
    {
        var c = Math.Cos(thetaRad / 2);
        var s = Math.Sin(thetaRad / 2);
        return new(c, -s, s, c);
    }

    /// <summary>R_z(theta) = diag(e^{-i theta/2}, e^{i theta/2}), theta [rad].</summary>
    public static SingleQubitGate Rz(double thetaRad)
        => new(Complex.FromPolarCoordinates(1, -thetaRad / 2), 0, 0, Complex.FromPolarCoordinates(1, thetaRad / 2));

    /// <summary>The Hermitian conjugate U^dagger (the inverse of a unitary).</summary>
    public SingleQubitGate Adjoint() => new(Complex.Conjugate(M00), Complex.Conjugate(M10), Complex.Conjugate(M01), Complex.Conjugate(M11));

    /// <summary>The gate that applies this one first and then <paramref name="next"/>: the product next * this.</summary>
    public SingleQubitGate Then(SingleQubitGate next) => next.Multiply(this);

    /// <summary>Matrix product this * right.</summary>
    public SingleQubitGate Multiply(SingleQubitGate right) => new(
        M00 * right.M00 + M01 * right.M10, M00 * right.M01 + M01 * right.M11,
        M10 * right.M00 + M11 * right.M10, M10 * right.M01 + M11 * right.M11);

    /// <summary>Largest entry-wise distance to another matrix (for tests and equality up to rounding).</summary>
    public double MaxDistance(SingleQubitGate other) => Math.Max(
        Math.Max(Complex.Abs(M00 - other.M00), Complex.Abs(M01 - other.M01)),
        Math.Max(Complex.Abs(M10 - other.M10), Complex.Abs(M11 - other.M11)));
}
