namespace Qkd.Cli.Commands.Gateway;

/// <summary>What `qkd demo` measured (the --json object).</summary>
public sealed record DemoResult
{
    public required string Mode { get; init; }
    public required ulong Seed { get; init; }
    public required int Sensors { get; init; }
    public required double DurationS { get; init; }
    public required long SamplesProduced { get; init; }
    public required long MessagesSent { get; init; }
    public required long MessagesReceived { get; init; }
    public required long MessagesDecrypted { get; init; }
    public required long MessagesStored { get; init; }

    /// <summary>Received messages that failed to open, by reason (forged, replay, key-unavailable...).</summary>
    public required IReadOnlyDictionary<string, long> Failures { get; init; }
    public required long MessagesDropped { get; init; }
    public required long MessagesHeldAtEnd { get; init; }
    public required long KeyRequestsRefused { get; init; }

    /// <summary>Messages seen by the broker whose payload contains a sample's plaintext (must be 0).</summary>
    public required long PlaintextMessagesOnWire { get; init; }
    public required long KeysConsumed { get; init; }
    public required long KeyBitsConsumed { get; init; }
    public required long KeysFetchedByReceiver { get; init; }
    public required double KeyRateBudgetBitsPerSecond { get; init; }
    public required double KeyDemandBitsPerSecond { get; init; }
    /// <summary>Long-run demand of all sensors at 10 Hz under the refresh policy (MessageSealer.SteadyKeyDemandBitsPerSecond).</summary>
    public required double KeyDemandSteadyBitsPerSecond { get; init; }
    public required double KeyBudgetAes256KeysPerSecond { get; init; }
    public required double KeyDemandAes256KeysPerSecond { get; init; }
    public required double LatencyP50Ms { get; init; }
    public required double LatencyP99Ms { get; init; }
    public required long PlaintextBytes { get; init; }
    public required long BytesOnWire { get; init; }
    public required string EdgeStore { get; init; }
    public required string Report { get; init; }
    public required IReadOnlyList<string> Plots { get; init; }

    /// <summary>Pool level samples: seconds since start and stored 256-bit keys.</summary>
    public required IReadOnlyList<PoolSample> PoolLevel { get; init; }
}
