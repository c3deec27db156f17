using Microsoft.Extensions.Logging;

namespace Qkd.Kms.Observability;

/// <summary>Every log line of the KME (source-generated). IDs and counts only: never key material.</summary>
public static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "KME {KmeId} listening on {Url} with store {StoreKind}, key wrapping {Wrapping}")]
    public static partial void Started(ILogger logger, string kmeId, string url, string storeKind, bool wrapping);

    [LoggerMessage(2, LogLevel.Warning, "Peer KME {PeerKmeId} refused or failed a key transfer ({Reason}); {UnitCount} reserved units discarded")]
    public static partial void PeerTransferFailed(ILogger logger, string peerKmeId, string reason, int unitCount);

    [LoggerMessage(3, LogLevel.Information, "Stored key block {BlockId} from link {PeerKmeId}: {UnitCount} units ({Result})")]
    public static partial void BlockStored(ILogger logger, Guid blockId, string peerKmeId, int unitCount, string result);

    [LoggerMessage(4, LogLevel.Warning, "Rejected request from {Caller} on {Route}: {Status} {Reason}")]
    public static partial void Rejected(ILogger logger, string caller, string route, int status, string reason);

    [LoggerMessage(5, LogLevel.Information, "Expiry sweep: {UnitsExpired} units, {KeysExpired} keys expired, {ReservationsDiscarded} stale reserved units discarded")]
    public static partial void Expired(ILogger logger, long unitsExpired, long keysExpired, long reservationsDiscarded);

    [LoggerMessage(6, LogLevel.Warning, "Key supply to {KmeUrl} failed for block {BlockId}: {Reason}")]
    public static partial void SupplyFailed(ILogger logger, string kmeUrl, Guid blockId, string reason);

    [LoggerMessage(30, LogLevel.Warning, "Link {LinkId} dropped distilled block {BlockIndex} ({Outcome}, {SiftedBits} sifted bits); {DroppedBlocks} blocks dropped so far")]
    public static partial void DistilledBlockDropped(ILogger logger, string linkId, long blockIndex, string outcome, long siftedBits, long droppedBlocks);

    [LoggerMessage(7, LogLevel.Information, "Relayed {KeyCount} keys from {FromKmeId} to {NextKmeId} towards {DestinationKmeId}")]
    public static partial void Relayed(ILogger logger, int keyCount, string fromKmeId, string nextKmeId, string destinationKmeId);

    [LoggerMessage(9, LogLevel.Error, "Request {Route} failed with {ExceptionType}; answered 503")]
    public static partial void Failed(ILogger logger, string route, string exceptionType);

    [LoggerMessage(8, LogLevel.Information, "AUDIT {Operation} {KeyCount} keys [{KeyIds}] to {CallerSae} (master {MasterSae}, slaves {SlaveSaes}) via {Route}")]
    public static partial void Audit(ILogger logger, string operation, int keyCount, string keyIds, string callerSae, string masterSae, string slaveSaes, string route);

    [LoggerMessage(10, LogLevel.Warning, "Key notices to {PeerKmeId} not delivered ({Reason}); {NoticeCount} stay in the outbox and are sent again")]
    public static partial void NoticesFailed(ILogger logger, string peerKmeId, string reason, int noticeCount);

    [LoggerMessage(11, LogLevel.Error, "Key notice from {PeerKmeId} refused: {Reason}")]
    public static partial void NoticeRefused(ILogger logger, string peerKmeId, string reason);

    [LoggerMessage(12, LogLevel.Information, "Key lease with {PeerKmeId}: {UnitCount} units {Direction}")]
    public static partial void Leased(ILogger logger, string peerKmeId, int unitCount, string direction);
}
