using Spectre.Console;

namespace Qkd.Cli;

/// <summary>
/// Progress bars for long work, drawn on stderr so that stdout stays clean for --json and pipes.
/// Silent when stderr is not a terminal (CI logs, tests).
/// </summary>
public static class CliProgress
{
    private static readonly IAnsiConsole ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    /// <summary>Whether a bar would be drawn.</summary>
    public static bool Interactive => !Console.IsErrorRedirected;

    /// <summary>Runs <paramref name="work"/>, which reports progress in [0, 1], under a bar titled <paramref name="title"/>.</summary>
    public static T Run<T>(string title, Func<IProgress<double>, T> work)
    {
        if (!Interactive)
        {
            return work(new Progress<double>(_ => { }));
        }
        T result = default!;
        ErrorConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 1.0);
                result = work(new SyncProgress(v => task.Value = Math.Clamp(v, 0, 1)));
                task.Value = 1.0;
            });
        return result;
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
