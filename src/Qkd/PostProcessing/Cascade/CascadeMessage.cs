namespace Qkd.PostProcessing;

/// <summary>
/// Wire format of the Cascade exchange (all integers little-endian):
/// <list type="bullet">
/// <item><c>Tops</c> (Alice to Bob, first message): tag, then the block parities of every normal pass, packed 8 per byte, pass after pass.</item>
/// <item><c>Queries</c> (Bob to Alice): tag, int32 BICONF round requested (-1: none), int32 count, then count x (uint8 pass, int32 start, int32 length).</item>
/// <item><c>Answers</c> (Alice to Bob): tag, the parities of the queried ranges packed 8 per byte, then one byte with the BICONF block parity if requested.</item>
/// <item><c>Done</c> (Bob to Alice): tag only.</item>
/// </list>
/// Every parity bit Alice sends is counted as leaked information.
/// </summary>
public static class CascadeMessage
{
    /// <summary>Alice's block parities of all normal passes.</summary>
    public const byte Tops = 1;

    /// <summary>Bob's batch of parity questions.</summary>
    public const byte Queries = 2;

    /// <summary>Alice's batch of answers.</summary>
    public const byte Answers = 3;

    /// <summary>Bob has finished.</summary>
    public const byte Done = 4;

    /// <summary>Bytes of one query entry.</summary>
    public const int QueryBytes = 9;

    /// <summary>Header bytes of a query message.</summary>
    public const int QueryHeaderBytes = 9;
}
