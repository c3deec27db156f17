namespace Qkd.Tests;

public class ArchitectureTests
{
    private static readonly string[] Forbidden =
    [
        "Microsoft.AspNetCore", "Microsoft.Data.Sqlite", "Npgsql", "Dapper", "MQTTnet", "Spectre.Console",
        "ScottPlot", "System.CommandLine", "SkiaSharp", "Microsoft.Extensions.Hosting",
    ];

    [Fact]
    public void DomainLibrary_ReferencesNoServerDatabaseConsoleOrPlottingAssembly()
    {
        var refs = typeof(Qkd.Guard).Assembly.GetReferencedAssemblies();
        foreach (var r in refs)
        {
            foreach (var f in Forbidden)
            {
                Assert.False(r.Name!.StartsWith(f, StringComparison.Ordinal), $"Qkd references {r.Name}");
            }
        }
    }
}
