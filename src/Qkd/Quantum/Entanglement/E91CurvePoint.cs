namespace Qkd.Quantum;

/// <summary>Analytic E91/BBM92 figures at one distance (<see cref="E91Link"/>).</summary>
/// <param name="DistanceKm">Alice-Bob fibre length [km].</param>
/// <param name="Qber">Expected QBER of the sifted key.</param>
/// <param name="Chsh">Expected CHSH value S.</param>
/// <param name="SiftedKeyRateBitsPerSecond">Pair rate times p_click^2 * 2/9 [bit/s].</param>
/// <param name="SecretKeyRateBitsPerSecond">Sifted rate times 1 - f h(Q) - h(Q) [bit/s]; 0 when S &lt;= 2.</param>
public sealed record E91CurvePoint(double DistanceKm, double Qber, double Chsh, double SiftedKeyRateBitsPerSecond, double SecretKeyRateBitsPerSecond);
