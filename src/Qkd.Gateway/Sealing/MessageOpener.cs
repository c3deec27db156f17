using System.Security.Cryptography;
using Qkd.Gateway.Etsi;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// The receiving side: opens sealed messages of any number of streams (sender SAE, device). Per stream it
/// keeps the current key epoch and a candidate next one; a candidate becomes current only when a message
/// under it authenticates, and superseded key IDs are remembered so their messages are refused.
/// Within an epoch each sequence number is accepted once (<see cref="ReplayWindow"/>: messages may arrive out of order, as
/// retransmissions after a broker restart do; OTP pad offsets must continue exactly, so OTP epochs are accepted in order);
/// an authentic copy of an accepted message is a <see cref="OpenOutcome.Duplicate"/>, one older than the window a replay.
/// State changes only after a tag verifies. The topic a message arrived on is authenticated data; senders not in the
/// <see cref="ReceiverPolicy"/>, or in another mode than pinned for them, are refused before a key is asked for.
/// </summary>
public sealed class MessageOpener : IDisposable
{
    /// <summary>Superseded key IDs remembered per stream.</summary>
    public const int RetiredMemory = 1024;

    private readonly MlKem768? _kem;
    private readonly ReceiverPolicy _policy;
    private readonly Dictionary<(string Sender, string Device), StreamState> _streams = [];

    /// <summary>An opener that accepts any sender in any mode (<see cref="ReceiverPolicy.Unpinned"/>): in-process compositions only.</summary>
    /// <param name="kem">This receiver's ML-KEM-768 key pair (needed only for hybrid messages).</param>
    public MessageOpener(MlKem768? kem = null) : this(ReceiverPolicy.Unpinned, kem)
    {
    }

    /// <param name="policy">The senders accepted, the mode pinned for each, and their ML-DSA-65 keys (hybrid).</param>
    /// <param name="kem">This receiver's ML-KEM-768 key pair (needed only for hybrid messages).</param>
    public MessageOpener(ReceiverPolicy policy, MlKem768? kem)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _kem = kem;
    }

    public ReceiverPolicy Policy => _policy;

    /// <summary>Opens <paramref name="message"/> received on <paramref name="topic"/> (the topic is authenticated data).</summary>
    public OpenOutcome Open(string topic, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var header = SealedHeader.TryRead(message, out var headerLength);
        if (header is null)
        {
            return new OpenOutcome.Rejected(RejectReason.Malformed, null);
        }
        if (!string.Equals(topic, StreamTopic.Of(header.SenderSaeId, header.DeviceId), StringComparison.Ordinal))
        {
            return new OpenOutcome.Rejected(RejectReason.WrongTopic, header);
        }
        if (_policy.Check(header, out var trust) is { } refused)
        {
            return new OpenOutcome.Rejected(refused, header);
        }
        var stream = _streams.GetValueOrDefault((header.SenderSaeId, header.DeviceId));
        Epoch? epoch = null;
        if (stream?.Current?.KeyId == header.KeyId)
        {
            epoch = stream.Current;
        }
        else if (stream?.Candidate?.KeyId == header.KeyId)
        {
            epoch = stream.Candidate;
        }
        else if (stream is not null && stream.Retired.Contains(header.KeyId))
        {
            return new OpenOutcome.Rejected(RejectReason.StaleKey, header);
        }
        if (epoch is null)
        {
            return header.Mode == SealingMode.Hybrid ? CheckNewHybridEpoch(topic, header, trust) : new OpenOutcome.NeedsKey(header);
        }
        if (epoch.Mode != header.Mode)
        {
            return new OpenOutcome.Rejected(RejectReason.Forged, header);
        }
        // Already accepted (after the tag verifies below: a duplicate), or older than the window (a replay).
        var seen = epoch.Window.Check(header.Sequence);
        if (seen == ReplayWindow.Verdict.TooOld)
        {
            return new OpenOutcome.Rejected(RejectReason.Replay, header);
        }
        var bodyLength = message.Length - headerLength - SealedHeader.TagLength;
        var ciphertext = message.Slice(headerLength, bodyLength);
        var tag = message[(headerLength + bodyLength)..];
        var plaintext = new byte[bodyLength];
        var associated = StreamTopic.AssociatedData(topic, message[..headerLength]);
        long padEnd = 0;
        var failure = header.Mode == SealingMode.Otp
            ? OpenOtp(header, epoch, seen, ciphertext, tag, associated, plaintext, out padEnd)
            : OpenAead(epoch, message.Slice(33, SealedHeader.NonceLength), ciphertext, tag, associated, plaintext);
        if (failure is { } reason)
        {
            return new OpenOutcome.Rejected(reason, header);
        }
        if (seen == ReplayWindow.Verdict.Seen)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return new OpenOutcome.Duplicate(header);
        }
        epoch.Window.Accept(header.Sequence);
        if (header.Mode == SealingMode.Otp)
        {
            epoch.OtpUsedEnd = padEnd;
        }
        if (ReferenceEquals(epoch, stream!.Candidate))
        {
            stream.Promote();
        }
        return new OpenOutcome.Opened(header, plaintext);
    }

    /// <summary>
    /// One-time pad and one-time MAC: pad offsets continue exactly where the last accepted message of the epoch ended
    /// (0 for its first), so OTP epochs are accepted in order; an authentic copy of an accepted one (below that end)
    /// is a duplicate. Null when the tag verified and <paramref name="plaintext"/> holds the message.
    /// </summary>
    private static RejectReason? OpenOtp(SealedHeader header, Epoch epoch, ReplayWindow.Verdict seen, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associated, Span<byte> plaintext, out long padEnd)
    {
        padEnd = 0;
        if (seen == ReplayWindow.Verdict.New && header.Sequence != epoch.Window.Next)
        {
            return header.Sequence < epoch.Window.Next ? RejectReason.Replay : RejectReason.OffsetGap;
        }
        if (seen == ReplayWindow.Verdict.New && header.KeyOffset != epoch.OtpUsedEnd)
        {
            return header.KeyOffset < epoch.OtpUsedEnd ? RejectReason.Replay : RejectReason.OffsetGap;
        }
        padEnd = header.KeyOffset + (long)MessageSealer.OtpBytesPerMessage(ciphertext.Length);
        if (padEnd > MessageSealer.OtpPadBytes(epoch.Key.Material.Length) || (seen == ReplayWindow.Verdict.Seen && padEnd > epoch.OtpUsedEnd))
        {
            return RejectReason.PadOverrun;
        }
        var pad = epoch.Key.Material.Slice((int)header.KeyOffset, (int)(padEnd - header.KeyOffset));
        Span<byte> expected = stackalloc byte[OneTimeMac.TagLength];
        OneTimeMac.Compute(pad[ciphertext.Length..], associated, ciphertext, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return RejectReason.Forged;
        }
        PadXor.Xor(ciphertext, pad, plaintext);
        return null;
    }

    /// <summary>AES-256-GCM (aes-gcm, hybrid) or Ascon-AEAD128 with the epoch's key; null when the tag verified.</summary>
    private static RejectReason? OpenAead(Epoch epoch, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag,
        ReadOnlySpan<byte> associated, Span<byte> plaintext)
    {
        try
        {
            if (epoch.Ascon is not null)
            {
                epoch.Ascon.Decrypt(AsconCipher.NonceOf(nonce), ciphertext, tag, plaintext, associated);
            }
            else
            {
                epoch.Aes!.Decrypt(nonce, ciphertext, tag, plaintext, associated);
            }
            return null;
        }
        catch (AuthenticationTagMismatchException)
        {
            return RejectReason.Forged;
        }
    }

    /// <summary>
    /// The first message of a hybrid epoch the receiver has no key for: its ML-KEM ciphertext must be present and,
    /// when the sender is pinned, signed by the sender's ML-DSA-65 key over <see cref="HybridCombiner.EncapsulationStatement"/>.
    /// Checked before any key is fetched.
    /// </summary>
    private OpenOutcome CheckNewHybridEpoch(string topic, SealedHeader header, SenderTrust? trust)
    {
        if (header.KemCiphertext is null)
        {
            return new OpenOutcome.Rejected(RejectReason.MissingKemCiphertext, header);
        }
        if (_kem is null)
        {
            return new OpenOutcome.Rejected(RejectReason.ModeNotAllowed, header);
        }
        if (trust?.SignatureKey is { } verificationKey)
        {
            var statement = HybridCombiner.EncapsulationStatement(topic, header.KeyId, header.KemCiphertext, _kem.EncapsulationKey);
            if (header.KemSignature is null || !MlDsa65.Verify(verificationKey, HybridCombiner.SignatureContext, statement, header.KemSignature))
            {
                return new OpenOutcome.Rejected(RejectReason.BadSignature, header);
            }
        }
        return new OpenOutcome.NeedsKey(header);
    }

    /// <summary>
    /// Registers the key fetched for <paramref name="header"/> (from a <see cref="OpenOutcome.NeedsKey"/>) as the
    /// stream's candidate epoch; ownership of <paramref name="key"/> passes to the opener.
    /// </summary>
    public void Install(SealedHeader header, QkdKey key)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Id != header.KeyId)
        {
            key.Dispose();
            throw new ArgumentException($"Key {key.Id} does not match the message's key ID {header.KeyId}.");
        }
        var id = (header.SenderSaeId, header.DeviceId);
        if (!_streams.TryGetValue(id, out var stream))
        {
            stream = new StreamState();
            _streams[id] = stream;
        }
        AesGcm? aes = null;
        byte[] ackKey = [];
        switch (header.Mode)
        {
            case SealingMode.AesGcm:
            case SealingMode.Ascon:
                aes = header.Mode == SealingMode.AesGcm ? new AesGcm(key.Material, SealedHeader.TagLength) : null;
                ackKey = EdgeAck.DeriveKey(key.Material, key.Id);
                break;
            case SealingMode.Otp:
                ackKey = EdgeAck.DeriveKey(key.Material[MessageSealer.OtpPadBytes(key.Material.Length)..], key.Id);
                break;
            case SealingMode.Hybrid:
                if (_kem is null || header.KemCiphertext is not { Length: MlKem768.CiphertextLength })
                {
                    key.Dispose();
                    throw new ArgumentException($"A hybrid epoch needs this receiver's ML-KEM key pair and the epoch's {MlKem768.CiphertextLength}-byte ML-KEM ciphertext.");
                }
                Span<byte> secret = stackalloc byte[MlKem768.SharedSecretLength];
                Span<byte> session = stackalloc byte[32];
                _kem.Decapsulate(header.KemCiphertext, secret);
                HybridCombiner.Derive(key.Material, secret, header.KemCiphertext, key.Id, session);
                aes = new AesGcm(session, SealedHeader.TagLength);
                ackKey = EdgeAck.DeriveKey(session, key.Id);
                CryptographicOperations.ZeroMemory(secret);
                CryptographicOperations.ZeroMemory(session);
                break;
        }
        stream.Candidate?.Dispose();
        stream.Candidate = new Epoch(header.Mode, key, aes, ackKey) { Ascon = header.Mode == SealingMode.Ascon ? new AsconCipher(key.Material) : null };
    }

    /// <summary>
    /// The edge acknowledgement (<see cref="EdgeAck"/>) of a message this opener returned as <see cref="OpenOutcome.Opened"/>
    /// or <see cref="OpenOutcome.Duplicate"/>; null when its epoch is no longer held.
    /// </summary>
    public byte[]? Acknowledgement(SealedHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var stream = _streams.GetValueOrDefault((header.SenderSaeId, header.DeviceId));
        var epoch = stream?.Current?.KeyId == header.KeyId ? stream.Current : stream?.Candidate?.KeyId == header.KeyId ? stream.Candidate : null;
        return epoch is null ? null : EdgeAck.Create(EdgeAck.TopicOf(header.SenderSaeId, header.DeviceId), header.KeyId, header.Sequence, epoch.AckKey);
    }

    /// <summary>Whether messages of this key ID are refused because a later epoch of the stream has started.</summary>
    public bool IsRetired(SealedHeader header) => _streams.TryGetValue((header.SenderSaeId, header.DeviceId), out var s) && s.Retired.Contains(header.KeyId);

    public void Dispose()
    {
        foreach (var s in _streams.Values)
        {
            s.Current?.Dispose();
            s.Candidate?.Dispose();
        }
        _streams.Clear();
    }

    private sealed class StreamState
    {
        public Epoch? Current { get; set; }
        public Epoch? Candidate { get; set; }
        /// <summary>
        /// The last <see cref="RetiredMemory"/> superseded key IDs. Older ones are forgotten: a message under such a
        /// key asks the KME again, which refuses because it delivers every key once (ETSI 014 exactly-once, docs/kms.md).
        /// </summary>
        public HashSet<Guid> Retired { get; } = [];

        private readonly Queue<Guid> _retiredOrder = new();

        public void Promote()
        {
            if (Current is not null)
            {
                Retired.Add(Current.KeyId);
                _retiredOrder.Enqueue(Current.KeyId);
                if (_retiredOrder.Count > RetiredMemory)
                {
                    Retired.Remove(_retiredOrder.Dequeue());
                }
                Current.Dispose();
            }
            Current = Candidate;
            Candidate = null;
        }
    }

    private sealed class Epoch(SealingMode mode, QkdKey key, AesGcm? aes, byte[] ackKey) : IDisposable
    {
        public SealingMode Mode { get; } = mode;
        public QkdKey Key { get; } = key;
        public Guid KeyId { get; } = key.Id;
        public AesGcm? Aes { get; } = aes;
        public AsconCipher? Ascon { get; init; }
        public byte[] AckKey { get; } = ackKey;
        public ReplayWindow Window { get; } = new();
        public long OtpUsedEnd { get; set; }

        public void Dispose()
        {
            Aes?.Dispose();
            Ascon?.Dispose();
            Key.Dispose();
            CryptographicOperations.ZeroMemory(AckKey);
        }
    }
}
