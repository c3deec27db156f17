using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qkd.Cli;

/// <summary>The one JSON style of every command's --json output: camelCase, indented, non-finite numbers as strings.</summary>
public static class JsonOutput
{
    /// <summary>Shared serializer options.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Serialises <paramref name="value"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes <paramref name="value"/> as JSON to <paramref name="output"/>.</summary>
    public static void Write<T>(TextWriter output, T value) => output.WriteLine(Serialize(value));
}
