using System.CommandLine;
using System.Globalization;

namespace Qkd.Cli;

/// <summary>Small builders for options whose values are validated at parse time with range messages.</summary>
public static class CliOptions
{
    /// <summary>A double option constrained to [min, max] (unit shown in messages and help).</summary>
    public static Option<double?> Double(string name, string description, double min, double max, string unit = "")
    {
        var o = new Option<double?>(name) { Description = $"{description} [{Range(min, max, unit)}]" };
        o.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0)
            {
                return;
            }
            var text = r.Tokens[0].Value;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v >= min && v <= max))
            {
                r.AddError($"{name} must be a number within {Range(min, max, unit)}, but was '{text}'.");
            }
        });
        return o;
    }

    /// <summary>A 64-bit integer option constrained to [min, max].</summary>
    public static Option<long?> Long(string name, string description, long min, long max)
    {
        var o = new Option<long?>(name) { Description = $"{description} [{min}..{max}]" };
        o.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0)
            {
                return;
            }
            var text = r.Tokens[0].Value;
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            {
                r.AddError($"{name} must be an integer within [{min}, {max}], but was '{text}'.");
            }
        });
        return o;
    }

    /// <summary>A string option restricted to a fixed set of names.</summary>
    public static Option<string?> Choice(string name, string description, params string[] choices)
    {
        var o = new Option<string?>(name) { Description = $"{description} ({string.Join("|", choices)})" };
        o.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0)
            {
                return;
            }
            var text = r.Tokens[0].Value;
            if (Array.IndexOf(choices, text) < 0)
            {
                r.AddError($"{name} must be one of {string.Join(", ", choices)}, but was '{text}'.");
            }
        });
        return o;
    }

    /// <summary>The common --json flag.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of a text report" };

    /// <summary>The common --seed option (64-bit, recorded in every result).</summary>
    public static Option<ulong?> Seed() => new("--seed") { Description = "Random seed (unsigned 64-bit); recorded in the output" };

    private static string Range(double min, double max, string unit)
        => $"[{min.ToString("G6", CultureInfo.InvariantCulture)}, {max.ToString("G6", CultureInfo.InvariantCulture)}]{(unit.Length > 0 ? " " + unit : "")}";
}
