namespace Qkd.Gateway.Sealing;

/// <summary>What a receiver accepts from one sender SAE: the sealing mode pinned for its streams and, for hybrid, the ML-DSA-65 key its encapsulations must be signed with.</summary>
public sealed record SenderTrust
{
    public SenderTrust(string senderSaeId, SealingMode mode, byte[]? signatureKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(senderSaeId);
        if (mode == SealingMode.Hybrid && signatureKey is null)
        {
            throw new ArgumentException($"Sender {senderSaeId} is pinned to hybrid mode, which needs its ML-DSA-65 public key (integrity must not rest on the QKD key alone).");
        }
        SenderSaeId = senderSaeId;
        Mode = mode;
        SignatureKey = signatureKey is null ? null : MlDsa65.CheckPublicKey(signatureKey, "of " + senderSaeId);
    }

    public string SenderSaeId { get; }
    public SealingMode Mode { get; }
    public byte[]? SignatureKey { get; }
}

/// <summary>
/// The receiver's configuration of whom it accepts: messages from a sender SAE not listed, or in another mode than
/// the one pinned for it, are refused before any key is fetched. <see cref="Unpinned"/> accepts any sender in any
/// mode with unsigned hybrid epochs; it exists for in-process compositions only and is refused by the CLI.
/// </summary>
public sealed class ReceiverPolicy
{
    private readonly Dictionary<string, SenderTrust> _senders;

    public ReceiverPolicy(IEnumerable<SenderTrust> senders)
    {
        ArgumentNullException.ThrowIfNull(senders);
        _senders = new Dictionary<string, SenderTrust>(StringComparer.Ordinal);
        foreach (var s in senders)
        {
            if (!_senders.TryAdd(s.SenderSaeId, s))
            {
                throw new ArgumentException($"Sender {s.SenderSaeId} is configured twice; pin one mode per sender.");
            }
        }
        if (_senders.Count == 0)
        {
            throw new ArgumentException("A receiver policy needs at least one sender SAE.");
        }
    }

    private ReceiverPolicy() => _senders = [];

    /// <summary>Any sender, any mode, hybrid epochs without signature: for in-process demos, not for a network.</summary>
    public static ReceiverPolicy Unpinned { get; } = new();

    public bool IsUnpinned => _senders.Count == 0;

    /// <summary>The senders configured (empty when unpinned).</summary>
    public IReadOnlyCollection<SenderTrust> Senders => _senders.Values;

    /// <summary>Checks a header against the policy: null when acceptable, else the reason to refuse it.</summary>
    public RejectReason? Check(SealedHeader header, out SenderTrust? trust)
    {
        ArgumentNullException.ThrowIfNull(header);
        trust = null;
        if (IsUnpinned)
        {
            return null;
        }
        if (!_senders.TryGetValue(header.SenderSaeId, out trust))
        {
            return RejectReason.UnknownSender;
        }
        return trust.Mode == header.Mode ? null : RejectReason.ModeNotAllowed;
    }
}
