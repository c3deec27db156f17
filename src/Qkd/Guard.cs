using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Qkd;

/// <summary>
/// Argument checks for caller bugs. Each check is cheap and inlinable; the throw sits in a cold
/// method so the hot path stays small. Messages name the subject, the valid range with units and
/// the value received, as STYLE.md asks.
/// </summary>
public static class Guard
{
    /// <summary>Requires <paramref name="value"/> to be finite and within [min, max].</summary>
    public static double InRange(double value, double min, double max, string unit,
        [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= min && value <= max))
        {
            ThrowOutOfRange(name, value, min, max, unit);
        }
        return value;
    }

    /// <summary>Requires a probability: finite and within [0, 1].</summary>
    public static double Probability(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
        => InRange(value, 0, 1, "", name);

    /// <summary>Requires a finite, non-negative quantity.</summary>
    public static double NonNegative(double value, string unit, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && double.IsFinite(value)))
        {
            ThrowOutOfRange(name, value, 0, double.PositiveInfinity, unit);
        }
        return value;
    }

    /// <summary>Requires a finite, strictly positive quantity.</summary>
    public static double Positive(double value, string unit, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            ThrowNotPositive(name, value, unit);
        }
        return value;
    }

    /// <summary>Requires an integer within [min, max].</summary>
    public static long InRange(long value, long min, long max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < min || value > max)
        {
            ThrowOutOfRange(name, value, min, max, "");
        }
        return value;
    }

    /// <summary>Requires a non-null reference.</summary>
    public static T NotNull<T>([NotNull] T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
    {
        if (value is null)
        {
            ThrowNull(name);
        }
        return value;
    }

    /// <summary>Requires two lengths to agree.</summary>
    public static void SameLength(long a, long b, string what)
    {
        if (a != b)
        {
            ThrowLength(what, a, b);
        }
    }

    /// <summary>Formats a range message; public so that edge projects reuse the wording.</summary>
    public static string RangeMessage(string? name, double value, double min, double max, string unit)
    {
        var u = string.IsNullOrEmpty(unit) ? "" : " " + unit;
        var range = double.IsPositiveInfinity(max) ? $"[{min:G6}, +inf){u}" : $"[{min:G6}, {max:G6}]{u}";
        var got = double.IsNaN(value) ? "NaN" : $"{value:G6}{u}";
        return $"{name ?? "value"} must be within {range}, but was {got}.";
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutOfRange(string? name, double value, double min, double max, string unit)
        => throw new ArgumentOutOfRangeException(name, RangeMessage(name, value, min, max, unit));

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotPositive(string? name, double value, string unit)
        => throw new ArgumentOutOfRangeException(name,
            $"{name ?? "value"} must be a finite number above 0{(unit.Length > 0 ? " " + unit : "")}, but was {value:G6}.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNull(string? name) => throw new ArgumentNullException(name);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(string what, long a, long b)
        => throw new ArgumentException($"{what}: lengths must agree, but were {a} and {b}.");
}
