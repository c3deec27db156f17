using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Qkd.Bb84.Link;

namespace Qkd.Benchmarks.Bb84;

/// <summary>Adds link-time columns (real-time ratio, pulses/s, detections/s) to the simulator benchmarks.</summary>
public sealed class Bb84ColumnsConfig : ManualConfig
{
    public Bb84ColumnsConfig()
    {
        AddColumn(new LinkColumn("LinkTime", "Link time simulated per operation [s]", (s, _) => s.LinkSeconds));
        AddColumn(new LinkColumn("RealTime", "Link seconds per wall-clock second (x real time)", (s, mean) => s.LinkSeconds / mean));
        AddColumn(new LinkColumn("Pulses/s", "Emitted pulses simulated per wall-clock second", (s, mean) => s.Pulses / mean));
        AddColumn(new LinkColumn("Detections/s", "Expected detections simulated per wall-clock second", (s, mean) => LinkSimulator.ExpectedDetections(s) / mean));
    }

    private sealed class LinkColumn(string name, string legend, Func<SimulationSettings, double, double> value) : IColumn
    {
        public string Id => "Bb84." + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            var meanNs = report?.ResultStatistics?.Mean;
            if (meanNs is null || benchmarkCase.Parameters["Link"] is not string link)
            {
                return "-";
            }
            var seconds = benchmarkCase.Descriptor.Type == typeof(RealTimeBenchmarks)
                ? Bb84BenchmarkCases.RealTimeSeconds(link)
                : Bb84BenchmarkCases.HeadToHeadSeconds(link);
            var v = value(Bb84BenchmarkCases.Settings(link, seconds), meanNs.Value / 1e9);
            return v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
