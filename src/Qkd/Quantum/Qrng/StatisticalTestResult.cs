namespace Qkd.Quantum.Qrng;

/// <summary>One NIST SP 800-22 test on one sequence: its name, statistic, P-value and verdict at the significance level.</summary>
/// <param name="Name">Test name as in SP 800-22 (e.g. "frequency").</param>
/// <param name="Statistic">The test statistic (s_obs, chi^2, V_n or z).</param>
/// <param name="PValue">P-value in [0, 1].</param>
/// <param name="Passed">P-value &gt;= the significance level (0.01 by default, SP 800-22 Sec. 1.1.5).</param>
public sealed record StatisticalTestResult(string Name, double Statistic, double PValue, bool Passed);
