using System.Text;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Loading;

namespace RuleEngine.Scripting.Isolation;

/// <summary>
/// The binary exchange between the host and a script's worker process, over the worker's standard input and output.
/// The host sends the script once (its schema and compiled assembly), then batches of records in typed slots; the
/// worker answers each record with true, false, or a fault (code, what the script did, and its generated line).
/// </summary>
internal static class WorkerProtocol
{
    public const int Magic = 0x31575245; // "REW1"
    public const byte Ready = 0x52;
    public const byte False = 0;
    public const byte True = 1;
    public const byte Fault = 2;

    public static readonly Encoding Text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static void WriteScript(BinaryWriter writer, DatasetSchema schema, string scriptNamespace, CompiledScriptImage image)
    {
        writer.Write(Magic);
        writer.Write(scriptNamespace);
        writer.Write(schema.Name);
        writer.Write(schema.Fields.Count);
        foreach (FieldDefinition field in schema.Fields)
        {
            writer.Write(field.Name);
            writer.Write((int)field.Type);
        }

        writer.Write(image.Assembly.Length);
        writer.Write(image.Assembly);
        writer.Write(image.Symbols.Length);
        writer.Write(image.Symbols);
        writer.Flush();
    }

    public static (DatasetSchema Schema, string Namespace, byte[] Assembly, byte[] Symbols) ReadScript(BinaryReader reader)
    {
        if (reader.ReadInt32() != Magic)
        {
            throw new InvalidDataException("Not a RuleEngine script worker exchange.");
        }

        string scriptNamespace = reader.ReadString();
        DatasetSchemaBuilder schema = DatasetSchema.Create(reader.ReadString());
        int fields = reader.ReadInt32();
        for (int i = 0; i < fields; i++)
        {
            string name = reader.ReadString();
            schema.Add(name, (FieldType)reader.ReadInt32());
        }

        byte[] assembly = reader.ReadBytes(reader.ReadInt32());
        byte[] symbols = reader.ReadBytes(reader.ReadInt32());
        return (schema.Build(), scriptNamespace, assembly, symbols);
    }

    public static void WriteRecord(BinaryWriter writer, Record record)
    {
        RecordLayout layout = record.Layout;
        writer.Write(record.Line);
        for (int field = 0; field < layout.FieldCount; field++)
        {
            bool isNull = record.Nulls[field];
            writer.Write(isNull);
            if (isNull)
            {
                continue;
            }

            int slot = layout.Slots[field];
            switch (layout.Kinds[field])
            {
                case StorageKind.Int64:
                    writer.Write(record.Int64s[slot]);
                    break;
                case StorageKind.Double:
                    writer.Write(record.Doubles[slot]);
                    break;
                case StorageKind.Decimal:
                    writer.Write(record.Decimals[slot]);
                    break;
                case StorageKind.String:
                    writer.Write(record.Strings[slot] ?? string.Empty);
                    break;
                case StorageKind.StringArray:
                    string[] items = record.Arrays[slot] ?? [];
                    writer.Write(items.Length);
                    foreach (string item in items)
                    {
                        writer.Write(item);
                    }

                    break;
            }
        }
    }

    public static void ReadRecord(BinaryReader reader, Record record)
    {
        RecordLayout layout = record.Layout;
        record.Line = reader.ReadInt64();
        for (int field = 0; field < layout.FieldCount; field++)
        {
            if (reader.ReadBoolean())
            {
                record.SetNull(field);
                continue;
            }

            switch (layout.Kinds[field])
            {
                case StorageKind.Int64:
                    record.SetInt64(field, reader.ReadInt64());
                    break;
                case StorageKind.Double:
                    record.SetDouble(field, reader.ReadDouble());
                    break;
                case StorageKind.Decimal:
                    record.SetDecimal(field, reader.ReadDecimal());
                    break;
                case StorageKind.String:
                    record.SetString(field, reader.ReadString());
                    break;
                case StorageKind.StringArray:
                    var items = new string[reader.ReadInt32()];
                    for (int i = 0; i < items.Length; i++)
                    {
                        items[i] = reader.ReadString();
                    }

                    record.SetArray(field, items);
                    break;
            }
        }
    }
}
