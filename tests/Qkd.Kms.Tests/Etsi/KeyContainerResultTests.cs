using System.Text.Json;
using Qkd.Kms.Etsi;

namespace Qkd.Kms.Tests.Etsi;

public sealed class KeyContainerResultTests
{
    [Theory]
    [InlineData(0, 32)]
    [InlineData(1, 32)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 125)]
    [InlineData(1024, 64)]
    public void Write_GivesTheBytesUtf8JsonWriterWrites(int count, int keyBytes)
    {
        var random = new Random(count * 1000 + keyBytes);
        var keys = Enumerable.Range(0, count).Select(_ =>
        {
            var material = new byte[keyBytes];
            random.NextBytes(material);
            var id = new byte[16];
            random.NextBytes(id);
            return new DeliveredKey(new Guid(id), material);
        }).ToList();

        var expected = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(expected))
        {
            w.WriteStartObject();
            w.WriteStartArray("keys");
            foreach (var k in keys)
            {
                w.WriteStartObject();
                w.WriteString("key_ID", k.KeyId);
                w.WriteBase64String("key", k.Material);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        var length = KeyContainerResult.Length(keys);
        var output = new byte[length + 8];
        var written = KeyContainerResult.Write(keys, output);

        Assert.Equal(length, written);
        Assert.Equal(expected.WrittenSpan.ToArray(), output[..written]);
    }
}
