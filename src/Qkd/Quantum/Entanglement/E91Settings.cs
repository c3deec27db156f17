namespace Qkd.Quantum;

/// <summary>
/// The analyser angles of E91 in polarisation form (Ekert, PRL 67, 661 (1991), with the spin angles
/// halved for photon polarisation): Alice {0, pi/8, pi/4}, Bob {pi/8, pi/4, 3 pi/8} [rad], each chosen
/// with probability 1/3. Equal angles (pi/8, pi/8) and (pi/4, pi/4) give key; Alice {0, pi/4} with
/// Bob {pi/8, 3 pi/8} give the CHSH value.
/// </summary>
public static class E91Settings
{
    /// <summary>Alice's three analyser angles [rad].</summary>
    public static ReadOnlySpan<double> AliceAnglesRad => new[] { 0, Math.PI / 8, Math.PI / 4 };

    /// <summary>Bob's three analyser angles [rad].</summary>
    public static ReadOnlySpan<double> BobAnglesRad => new[] { Math.PI / 8, Math.PI / 4, 3 * Math.PI / 8 };

    /// <summary>True when the setting pair (Alice index, Bob index) is a key pair (equal angles).</summary>
    public static bool IsKeyPair(int alice, int bob) => (alice == 1 && bob == 0) || (alice == 2 && bob == 1);

    /// <summary>
    /// Which CHSH term the pair is: 0..3 for E(a,b), E(a,b'), E(a',b), E(a',b') with a = 0, a' = pi/4,
    /// b = pi/8, b' = 3 pi/8; -1 when the pair is in none.
    /// </summary>
    public static int ChshTerm(int alice, int bob) => (alice, bob) switch
    {
        (0, 0) => 0,
        (0, 2) => 1,
        (2, 0) => 2,
        (2, 2) => 3,
        _ => -1,
    };

    /// <summary>
    /// The CHSH combination S = E(a,b) - E(a,b') + E(a',b) + E(a',b') (Clauser, Horne, Shimony, Holt,
    /// PRL 23, 880 (1969)); |S| &lt;= 2 for every local model, S = 2 sqrt 2 for |Phi+> at these angles.
    /// </summary>
    public static double Chsh(ReadOnlySpan<double> correlators) => correlators[0] - correlators[1] + correlators[2] + correlators[3];
}
