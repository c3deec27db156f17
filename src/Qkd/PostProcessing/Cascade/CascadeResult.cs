namespace Qkd.PostProcessing;

/// <summary>Statistics of one Cascade run.</summary>
/// <param name="LeakedBits">Parity bits disclosed by Alice (lambda_EC of Cascade, before verification).</param>
/// <param name="Corrections">Bits Bob flipped.</param>
/// <param name="RoundTrips">Question-answer exchanges after Alice's first message.</param>
/// <param name="BytesExchanged">Bytes of all Cascade messages in both directions.</param>
public sealed record CascadeResult(long LeakedBits, long Corrections, int RoundTrips, long BytesExchanged);
