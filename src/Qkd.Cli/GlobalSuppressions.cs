using System.Diagnostics.CodeAnalysis;

// The plan file's shape (JSON and YAML share it; camelCase keys): mutable DTOs for the deserialisers only, which
// PlanFile converts into validated domain records at once. Lists, collection setters and string URIs are what
// the deserialisers need.
[assembly: SuppressMessage("Design", "CA1002:Do not expose generic lists", Scope = "namespaceanddescendants", Target = "~N:Qkd.Cli.Planning.Documents", Justification = "Deserialiser DTOs.")]
[assembly: SuppressMessage("Usage", "CA2227:Collection properties should be read only", Scope = "namespaceanddescendants", Target = "~N:Qkd.Cli.Planning.Documents", Justification = "Deserialiser DTOs.")]
[assembly: SuppressMessage("Design", "CA1056:URI-like properties should not be strings", Scope = "namespaceanddescendants", Target = "~N:Qkd.Cli.Planning.Documents", Justification = "Deserialiser DTOs.")]
