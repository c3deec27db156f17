using Qkd.Testbed.Link;
using Qkd.Testbed.Observation;

namespace Qkd.Testbed;

/// <summary>What a testbed run measured: the `qkd demo --json` object (field names are a contract, issue 11).</summary>
public sealed record TestbedResult
{
    public required string Mode { get; init; }
    public required ulong Seed { get; init; }
    public required int Sensors { get; init; }
    public required double DurationS { get; init; }
    public required double DurationSeconds { get; init; }
    public required string Supply { get; init; }
    public required string Preset { get; init; }
    public required string Scheme { get; init; }
    public required int Kmes { get; init; }
    public required double TimeScale { get; init; }
    public required double BlockSeconds { get; init; }
    public required long PrefillKeyBits { get; init; }
    public required long SiftedBits { get; init; }
    public required double Qber { get; init; }
    public required int BlocksDistilled { get; init; }
    public required int BlocksRejected { get; init; }

    /// <summary>Secret bits the links delivered to the KMEs (prefill excluded).</summary>
    public required long SecretKeyBits { get; init; }

    /// <summary>Net secret key rate of the first link's clean blocks (no attacker) [bit/s of link time].</summary>
    public required double SecretKeyRateBps { get; init; }

    /// <summary>Its rate before the blocks paid their authentication key back [bit/s of link time].</summary>
    public required double GrossSecretKeyRateBps { get; init; }

    /// <summary>The analytic finite-key model for the same link and block [bit/s].</summary>
    public required double PredictedSecretKeyRateBps { get; init; }

    public required string? AnalyticModel { get; init; }

    /// <summary>
    /// The statistical band of the analytic model [bit/s]: model +- 3 sigma, sigma from the Poisson spread of the clean blocks'
    /// counts through the finite-key bound (<see cref="RateStatistics"/>); for models without a spread, the clean blocks'
    /// mean rate +- 3 standard errors (null with fewer than 2 clean blocks).
    /// </summary>
    public required IReadOnlyList<double>? SecretKeyRateBandBps { get; init; }

    /// <summary>Whether the measured net rate and the prediction both lie within that band.</summary>
    public required bool? PredictionWithinBand { get; init; }

    /// <summary>AES-256 key equivalents (key bits / 256) each KME handed to its SAEs.</summary>
    public required IReadOnlyDictionary<string, long> KeysDelivered { get; init; }
    public required long SamplesProduced { get; init; }
    public required long MessagesSent { get; init; }
    public required long MessagesReceived { get; init; }
    public required long MessagesDecrypted { get; init; }
    public required long MessagesStored { get; init; }
    public required long ReadingsSent { get; init; }
    public required long ReadingsStored { get; init; }
    public required long ReadingsRejected { get; init; }
    public required long ReadingsDropped { get; init; }

    /// <summary>Received messages that failed to open, by reason.</summary>
    public required IReadOnlyDictionary<string, long> Failures { get; init; }
    public required long MessagesDropped { get; init; }
    public required long MessagesHeldAtEnd { get; init; }
    public required long KeyRequestsRefused { get; init; }

    /// <summary>Broker messages whose payload contains a sample's plaintext (must be 0).</summary>
    public required long PlaintextMessagesOnWire { get; init; }

    /// <summary>Sealed messages the read-only wire observer (its own client certificate and ACL entry) received from the broker.</summary>
    public required long MessagesSeenByWireObserver { get; init; }

    /// <summary>True when the embedded broker ran MQTT over TLS with client certificates (every gateway and the observer authenticated by certificate).</summary>
    public required bool MqttTls { get; init; }

    /// <summary>Connections, publishes and subscriptions the broker's ACL refused.</summary>
    public required long MqttAclRefusals { get; init; }

    /// <summary>True when the edge receiver pinned each sender to the run's mode (and, in hybrid mode, to its ML-DSA-65 public key).</summary>
    public required bool ReceiverPinned { get; init; }

    /// <summary>Same as <see cref="PlaintextMessagesOnWire"/> (issue 11's name).</summary>
    public long PlaintextOnProtectedTopic => PlaintextMessagesOnWire;
    public required long KeysConsumed { get; init; }
    public required long KeyBitsConsumed { get; init; }
    public required long KeysFetchedByReceiver { get; init; }
    public required double KeyRateBudgetBitsPerSecond { get; init; }
    public required double KeyDemandBitsPerSecond { get; init; }
    public required double KeyDemandSteadyBitsPerSecond { get; init; }
    public required double KeyBudgetAes256KeysPerSecond { get; init; }
    public required double KeyDemandAes256KeysPerSecond { get; init; }
    public required double LatencyP50Ms { get; init; }
    public required double LatencyP99Ms { get; init; }
    public required long PlaintextBytes { get; init; }
    public required long BytesOnWire { get; init; }
    public required EavesdropperSummary? Eavesdropper { get; init; }
    public required bool EavesdropperDetected { get; init; }
    public required double? EavesdropperDetectedAfterSeconds { get; init; }

    /// <summary>Whether a block fully inside the attacker's window delivered key (must be false under full intercept-resend).</summary>
    public required int BlocksUnderFullAttackDelivered { get; init; }

    /// <summary>Blocks delivered after the attacker left (null without an end to her window).</summary>
    public required int? BlocksDeliveredAfterEve { get; init; }
    public required string? DashboardUrl { get; init; }

    /// <summary>The two encryption schemes side by side for the same devices.</summary>
    public required IReadOnlyList<SchemeComparison> Schemes { get; init; }
    public required string EdgeStore { get; init; }
    public required string Report { get; init; }
    public required IReadOnlyList<string> Plots { get; init; }

    /// <summary>Pool level samples at the plant-side KME.</summary>
    public required IReadOnlyList<PoolSample> PoolLevel { get; init; }

    /// <summary>Every distilled block.</summary>
    public required IReadOnlyList<BlockRecord> Blocks { get; init; }
}

/// <summary>One encryption scheme for the run's devices: measured when it is the run's, else from the steady-state model.</summary>
/// <param name="Scheme">per-device or fixed.</param>
/// <param name="Source">"measured" or "model".</param>
/// <param name="KeyStreams">Independent key streams.</param>
/// <param name="KeyBitsPerSecond">Key consumed [bit/s].</param>
/// <param name="MessagesPerSecond">Messages on the wire [1/s].</param>
/// <param name="BytesPerSecond">Bytes on the wire [B/s].</param>
/// <param name="LatencyP50Ms">Median latency [ms] (measured runs only).</param>
/// <param name="DevicesExposedByOneKey">Devices whose readings one compromised key opens.</param>
/// <param name="ReadingsExposedByOneKey">Readings one compromised key opens (key lifetime x readings per second of the stream).</param>
public sealed record SchemeComparison(string Scheme, string Source, int KeyStreams, double KeyBitsPerSecond, double MessagesPerSecond,
    double BytesPerSecond, double? LatencyP50Ms, int DevicesExposedByOneKey, double ReadingsExposedByOneKey);
