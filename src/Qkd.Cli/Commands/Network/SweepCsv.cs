using System.Globalization;
using System.Text;
using Qkd.Network;

namespace Qkd.Cli.Commands.Network;

/// <summary>The CSV of a network sweep (<see cref="NetworkSweep"/>): one row per point, invariant culture.</summary>
public static class SweepCsv
{
    /// <summary>The header and one row per point.</summary>
    public static string Write(IReadOnlyList<SweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var sb = new StringBuilder("policy,varied,value,load,successRate,successRateCi95,servicesArrived,servicesServed,keysGenerated,keysConsumed,keysWasted,meanRelayHops,keyFlowUtilisation\n");
        foreach (var p in points)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{p.Policy},{p.Varied},{p.Value:G9},{p.Load:G9},{p.SuccessRate:G6},{p.SuccessRateCi95:G6},{p.ServicesArrived},{p.ServicesServed},{p.KeysGenerated:G9},{p.KeysConsumed:G9},{p.KeysWasted:G9},{p.MeanRelayHops:G6},{p.KeyFlowUtilisation:G6}\n");
        }
        return sb.ToString();
    }
}
