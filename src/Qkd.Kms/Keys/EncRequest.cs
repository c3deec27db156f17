namespace Qkd.Kms.Keys;

/// <summary>One <c>enc_keys</c> request as the key services see it: who asks, for whom, how many keys of which size.</summary>
internal sealed record EncRequest(string MasterSae, IReadOnlyList<string> Slaves, int Number, int SizeBits);
