namespace Qkd.Kms;

/// <summary>A delivered key: ID and plain material (secret; wiped by the endpoint after encoding).</summary>
public sealed record DeliveredKey(Guid KeyId, byte[] Material);

/// <summary>Outcome of <c>enc_keys</c> at the master's KME.</summary>
public abstract record EncOutcome
{
    public sealed record Served(IReadOnlyList<DeliveredKey> Keys) : EncOutcome;

    /// <summary>Pool short, peer down or peer refused: HTTP 503, nothing served.</summary>
    public sealed record Unavailable(string Reason) : EncOutcome;

    private EncOutcome() { }
}

/// <summary>Outcome of <c>dec_keys</c> at the slave's KME.</summary>
public abstract record DecOutcome
{
    public sealed record Served(IReadOnlyList<DeliveredKey> Keys) : DecOutcome;

    public sealed record NotFound(IReadOnlyList<Guid> Missing) : DecOutcome;

    public sealed record NotAuthorized(IReadOnlyList<Guid> Refused) : DecOutcome;

    private DecOutcome() { }
}

/// <summary>Outcome of a KME-to-KME key transfer at the receiving KME.</summary>
public abstract record TransferOutcome
{
    public sealed record Accepted(int KeyCount) : TransferOutcome;

    /// <summary>Malformed transfer or no route (400).</summary>
    public sealed record Invalid(string Reason) : TransferOutcome;

    /// <summary>The named units are not available here (409): nothing changed.</summary>
    public sealed record Conflict(string Reason) : TransferOutcome;

    /// <summary>Relay could not forward (503).</summary>
    public sealed record Unavailable(string Reason) : TransferOutcome;

    private TransferOutcome() { }
}
