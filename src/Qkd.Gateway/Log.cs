using Microsoft.Extensions.Logging;

namespace Qkd.Gateway;

/// <summary>Source-generated log messages of the gateway. Key IDs only; never key material.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Stream {Sender}/{Device}: new {Mode} key epoch {KeyId} ({KeyBits} bits)")]
    public static partial void KeyInstalled(ILogger logger, string sender, string device, Qkd.Gateway.Sealing.SealingMode mode, Guid keyId, int keyBits);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Stream {Sender}/{Device}: KME refused a key ({StatusCode}: {Reason}); holding {Queued} messages, never sending in clear")]
    public static partial void KeyRefused(ILogger logger, string sender, string device, int statusCode, string reason, int queued);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "KME unreachable for {SaeId}: {Reason}")]
    public static partial void KmeError(ILogger logger, string saeId, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Rejected message of {Sender}/{Device} key {KeyId} seq {Sequence}: {Reason}")]
    public static partial void Rejected(ILogger logger, string sender, string device, Guid keyId, ulong sequence, Qkd.Gateway.Sealing.RejectReason reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Receiver fetched key {KeyId} of {Sender}/{Device} from its KME")]
    public static partial void KeyFetched(ILogger logger, string sender, string device, Guid keyId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Dropped the oldest held message of {Sender}/{Device}: queue of {Capacity} full while waiting for key")]
    public static partial void Dropped(ILogger logger, string sender, string device, int capacity);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Key {KeyId} of {Sender}: KME not answering ({Reason}); retrying dec_keys in {DelayMs} ms")]
    public static partial void DecKeysRetry(ILogger logger, string sender, Guid keyId, string reason, double delayMs);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "MQTT receive queue of {Capacity} full: message on {Topic} dropped ({Dropped} so far)")]
    public static partial void ReceiveOverflow(ILogger logger, string topic, int capacity, long dropped);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "MQTT connection to {Broker} lost ({Reason}); reconnecting in {DelayMs} ms")]
    public static partial void BrokerLost(ILogger logger, string broker, string reason, double delayMs);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "MQTT connected to {Broker} (session present: {SessionPresent}, attempt {Attempt})")]
    public static partial void BrokerConnected(ILogger logger, string broker, bool sessionPresent, int attempt);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Outbox of {Capacity} sealed messages full for {Topic}: sealing paused, held plaintext is counted when dropped")]
    public static partial void OutboxFull(ILogger logger, string topic, int capacity);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Published {Topic} key {KeyId} seq {Sequence} again (attempt {Attempt}): no edge acknowledgement yet")]
    public static partial void Retransmitted(ILogger logger, string topic, Guid keyId, ulong sequence, int attempt);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Edge acknowledgement on {Topic} did not verify: ignored, the message stays")]
    public static partial void ForgedAck(ILogger logger, string topic);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Gave up {Topic} key {KeyId} seq {Sequence} after {Attempts} publications without an edge acknowledgement")]
    public static partial void GaveUp(ILogger logger, string topic, Guid keyId, ulong sequence, int attempts);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Duplicate of {Sender}/{Device} key {KeyId} seq {Sequence}: already stored, acknowledged again")]
    public static partial void Duplicate(ILogger logger, string sender, string device, Guid keyId, ulong sequence);
}
