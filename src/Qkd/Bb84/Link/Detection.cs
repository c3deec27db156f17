namespace Qkd.Bb84.Link;

/// <summary>One click: Alice's record (intensity &lt;&lt; 2 | basis &lt;&lt; 1 | bit), Bob's (basis &lt;&lt; 1 | bit), and Eve's knowledge.</summary>
internal readonly record struct Detection(byte Alice, byte Bob, bool EveKnows);
