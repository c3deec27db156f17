using System.Reflection;
using System.Reflection.Emit;

namespace Qkd.Cli.Tests;

/// <summary>
/// The dependency rules of docs/architecture.md ("The map") that need the host assemblies loaded: the KMS and the
/// gateway meet only over HTTPS, and the CLI's commands never touch key storage directly (the pure library's rule,
/// no server, database, MQTT or plotting assembly, is pinned in Qkd.Tests.ArchitectureTests).
/// </summary>
public class ArchitectureTests
{
    private static readonly Assembly Cli = typeof(CliApp).Assembly;
    private static readonly Assembly Kms = typeof(Qkd.Kms.KmsHost).Assembly;
    private static readonly Assembly Gateway = typeof(Qkd.Gateway.Etsi.EtsiKeyClient).Assembly;

    [Fact]
    public void Kms_DoesNotReferenceTheGateway()
        => Assert.DoesNotContain(Kms.GetReferencedAssemblies(), a => a.Name == Gateway.GetName().Name);

    [Fact]
    public void Gateway_DoesNotReferenceTheKms()
        => Assert.DoesNotContain(Gateway.GetReferencedAssemblies(), a => a.Name == Kms.GetName().Name);

    /// <summary>
    /// Storage is the KMS's `Qkd.Kms.Storage` namespace and the database drivers; a command asks the KMS host
    /// (or the gateway, which owns its edge store) and never opens a key store or a database connection itself.
    /// </summary>
    [Fact]
    public void CliCommands_ReferenceNoStorageType()
    {
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Cli.GetTypes().Where(t => Outermost(t).Namespace?.StartsWith("Qkd.Cli.Commands", StringComparison.Ordinal) == true))
        {
            foreach (var used in TypesUsedBy(type).Where(IsStorage))
            {
                offenders.Add($"{type.FullName} -> {used.FullName}");
            }
        }
        Assert.Empty(offenders);
    }

    [Fact]
    public void TypesUsedBy_SeesTypesInMethodBodies()
    {
        // The scanner must see what a method body news up or calls, or the storage rule above could not fail.
        var used = TypesUsedBy(typeof(Qkd.Cli.Commands.Network.SweepCsv)).Select(t => t.FullName).ToHashSet();
        Assert.Contains("System.Text.StringBuilder", used);
        Assert.Contains("System.Globalization.CultureInfo", used);
    }

    [Fact]
    public void IsStorage_RecognisesKeyStoresAndDrivers()
    {
        Assert.True(IsStorage(typeof(Qkd.Kms.Storage.IKeyStore)));
        Assert.True(IsStorage(typeof(Microsoft.Data.Sqlite.SqliteConnection)));
        Assert.False(IsStorage(typeof(Qkd.Kms.KmsHost)));
    }

    private static bool IsStorage(Type t)
    {
        var ns = Outermost(t).Namespace ?? "";
        return ns.StartsWith("Qkd.Kms.Storage", StringComparison.Ordinal)
            || ns.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal)
            || ns.StartsWith("Npgsql", StringComparison.Ordinal);
    }

    private static Type Outermost(Type t)
    {
        while (t.DeclaringType is not null)
        {
            t = t.DeclaringType;
        }
        return t;
    }

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Types in a type's signatures (base, interfaces, fields, properties, parameters, returns, locals) and its IL operands.</summary>
    private static HashSet<Type> TypesUsedBy(Type type)
    {
        var used = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || !used.Add(t))
            {
                return;
            }
            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }
            if (t.IsGenericType)
            {
                foreach (var a in t.GetGenericArguments())
                {
                    Add(a);
                }
            }
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }
        foreach (var f in type.GetFields(All))
        {
            Add(f.FieldType);
        }
        foreach (var p in type.GetProperties(All))
        {
            Add(p.PropertyType);
        }
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m is MethodInfo mi)
            {
                Add(mi.ReturnType);
            }
            foreach (var p in m.GetParameters())
            {
                Add(p.ParameterType);
            }
            var body = m.GetMethodBody();
            if (body is null)
            {
                continue;
            }
            foreach (var local in body.LocalVariables)
            {
                Add(local.LocalType);
            }
            foreach (var member in Operands(m, body.GetILAsByteArray() ?? []))
            {
                Add(member as Type ?? member.DeclaringType);
                Add((member as FieldInfo)?.FieldType);
                Add((member as MethodInfo)?.ReturnType);
            }
        }
        return used;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The members and types an IL body's metadata-token operands name (calls, news, fields, casts, typeof).</summary>
    private static List<MemberInfo> Operands(MethodBase method, byte[] il)
    {
        var found = new List<MemberInfo>();
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[i++]));
            }
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, i);
                    try
                    {
                        found.Add(method.Module.ResolveMember(token, typeArgs, methodArgs)!);
                    }
                    catch (ArgumentException)
                    {
                        // A token whose generic context cannot be rebuilt here; its signature types are still scanned above.
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
        return found;
    }

    [Fact]
    public void NoSourceFile_IsOverAboutFourHundredLines()
    {
        // Issue 14: rooms a newcomer can read; no file in src/ over ~400 lines (420 leaves room for a comment).
        var src = Path.Combine(CliHarness.RepoRoot(), "src");
        var tooLong = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(src, f), Lines: File.ReadLines(f).Count()))
            .Where(x => x.Lines > 420)
            .ToList();
        Assert.True(tooLong.Count == 0, string.Join(", ", tooLong.Select(x => $"{x.File} ({x.Lines} lines)")));
    }
}
