using System.CommandLine;
using System.Globalization;
using Qkd.Quantum;

namespace Qkd.Cli.Commands.Quantum;

/// <summary>`qkd teleport`: controlled teleportation of random two-qubit states through GHZ5 + Bell.</summary>
public static class TeleportCommand
{
    public static Command Create()
    {
        var trials = CliOptions.Long("--trials", "Random two-qubit states to teleport (default 1000)", 1, 1_000_000);
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var cmd = new Command("teleport", "Controlled teleportation of a two-qubit state through a five-qubit GHZ state and a Bell pair (seed 003)")
        {
            trials, seed, json,
        };
        cmd.SetAction(parse =>
        {
            var report = ControlledTeleportation.Simulate((int)(parse.GetValue(trials) ?? 1000), parse.GetValue(seed) ?? 1);
            var table = CorrectionTable();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new
                {
                    report.Trials,
                    report.Seed,
                    report.MinFidelity,
                    report.MeanFidelity,
                    report.MeanFidelityWithoutController,
                    report.ExpectedFidelityWithoutController,
                    report.ClassicalLimit,
                    report.SingleQubitClassicalLimit,
                    holders = new { alice = "A, B, 5, 7", bob = "2, 4", charlie = "1, 3, 6", ghz = "1, 2, 3, 5, 6", bell = "4, 7" },
                    correctionTable = table,
                });
                return ExitCodes.Ok;
            }
            var c = CultureInfo.InvariantCulture;
            output.WriteLine($"Controlled teleportation (GHZ on 1,2,3,5,6; Bell on 4,7; Alice A,B,5,7; Bob 2,4; Charlie 1,3,6), {report.Trials} random states, seed {report.Seed}");
            output.WriteLine(string.Format(c, "  fidelity with Charlie's bit    min {0:F12}  mean {1:F12}", report.MinFidelity, report.MeanFidelity));
            output.WriteLine(string.Format(c, "  fidelity without Charlie       mean {0:F4}  (Haar average {1:F4})", report.MeanFidelityWithoutController, report.ExpectedFidelityWithoutController));
            output.WriteLine(string.Format(c, "  classical limit 2/(d+1)        two qubits {0:F4}, one qubit {1:F4}", report.ClassicalLimit, report.SingleQubitClassicalLimit));
            output.WriteLine("  Bob's corrections on particle 2 (Alice's (A,5) outcome, Charlie's parity) and particle 4 (Alice's (B,7) outcome):");
            foreach (var row in table)
            {
                output.WriteLine($"    {row.Measurement,-22} -> {row.Qubit}: {row.Correction}");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private sealed record Row(string Measurement, string Qubit, string Correction);

    private static List<Row> CorrectionTable()
    {
        var rows = new List<Row>();
        foreach (var a5 in BellOutcome.All)
        {
            for (var parity = 0; parity < 2; parity++)
            {
                rows.Add(new Row($"(A,5)={a5}, p={parity}", "particle 2", BobCorrection.ForGhzQubit(a5, parity).ToString()));
            }
        }
        foreach (var b7 in BellOutcome.All)
        {
            rows.Add(new Row($"(B,7)={b7}", "particle 4", BobCorrection.ForBellQubit(b7).ToString()));
        }
        return rows;
    }
}
