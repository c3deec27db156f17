namespace Qkd.PostProcessing.Ldpc;

/// <summary>Statistics of one LDPC reconciliation.</summary>
/// <param name="Decoded">True when Bob's decoder satisfied the syndrome (the verification hash still decides).</param>
/// <param name="LeakedBits">Bits disclosed about the key: syndrome minus punctured plus revealed bits.</param>
/// <param name="Corrections">Bits Bob flipped.</param>
/// <param name="Attempts">Decoding attempts (1 + blind rounds used); round trips = attempts.</param>
/// <param name="Iterations">Belief-propagation iterations over all attempts.</param>
/// <param name="BytesExchanged">Bytes of all messages in both directions.</param>
public sealed record LdpcResult(bool Decoded, long LeakedBits, long Corrections, int Attempts, int Iterations, long BytesExchanged);
