using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Qkd.Gateway.Tests.Support;

/// <summary>Collects every formatted log line with its structured values, at Trace level.</summary>
public sealed class CapturedLogs : ILoggerProvider, ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public void Configure(ILoggingBuilder b)
    {
        b.AddProvider(this);
        b.SetMinimumLevel(LogLevel.Trace);
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> kv ? string.Join(" ", kv.Select(p => $"{p.Key}={p.Value}")) : "";
        Lines.Enqueue($"{logLevel} {formatter(state, exception)} {values} {exception}");
    }

    public void Dispose()
    {
    }
}
