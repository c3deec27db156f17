namespace Qkd.Gateway.Sealing;

/// <summary>
/// Which sequence numbers of one key epoch have been accepted: the highest one and a bitmap of the <see cref="Size"/>
/// numbers below it, as the anti-replay window of IPsec ESP (S. Kent, RFC 4303, 2005, section 3.4.3 and appendix A2;
/// bitmap layout after X. Zhang and T. Tsou, RFC 6479, 2012). A number above the highest, or inside the window and not
/// yet accepted, is new (messages may arrive out of order, as retransmissions do after a broker restart); one inside the
/// window and accepted is a duplicate; one below the window is too old to tell and is refused as a replay.
/// </summary>
public sealed class ReplayWindow
{
    /// <summary>Sequence numbers remembered below the highest accepted one.</summary>
    public const int Size = 4096;

    private readonly ulong[] _bits = new ulong[Size / 64];
    private bool _any;
    private ulong _highest;

    /// <summary>Where a sequence number stands.</summary>
    public enum Verdict
    {
        /// <summary>Not accepted yet.</summary>
        New,

        /// <summary>Accepted already.</summary>
        Seen,

        /// <summary>Below the window: cannot be told from a replay.</summary>
        TooOld,
    }

    /// <summary>The number after the highest accepted one (0 before any).</summary>
    public ulong Next => _any ? _highest + 1 : 0;

    public Verdict Check(ulong sequence)
    {
        if (!_any || sequence > _highest)
        {
            return Verdict.New;
        }
        var behind = _highest - sequence;
        if (behind >= Size)
        {
            return Verdict.TooOld;
        }
        return IsSet(sequence) ? Verdict.Seen : Verdict.New;
    }

    /// <summary>Records <paramref name="sequence"/> as accepted (after <see cref="Check"/> said <see cref="Verdict.New"/> and its tag verified).</summary>
    public void Accept(ulong sequence)
    {
        if (!_any || sequence > _highest)
        {
            // Clear the bits of the numbers the window slides over (each bit is that number modulo Size).
            var from = _any ? _highest + 1 : sequence;
            if (sequence - from >= Size)
            {
                Array.Clear(_bits);
            }
            else
            {
                for (var s = from; s < sequence; s++)
                {
                    Clear(s);
                }
            }
            _highest = sequence;
            _any = true;
        }
        Set(sequence);
    }

    private bool IsSet(ulong s) => (_bits[(int)(s % Size / 64)] & (1UL << (int)(s % 64))) != 0;

    private void Set(ulong s) => _bits[(int)(s % Size / 64)] |= 1UL << (int)(s % 64);

    private void Clear(ulong s) => _bits[(int)(s % Size / 64)] &= ~(1UL << (int)(s % 64));
}
