using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using RuleEngine.Schema;

namespace RuleEngine.Records;

/// <summary>
/// The binary batch format, version 1. A batch is
/// <c>"REB1"</c>, the schema's hash (uint32, little-endian), the entry count and the first line (variable-length),
/// then each entry: a kind byte (0 record, 1 rejection), the line as a zig-zag delta from the previous entry's line,
/// and for a record a null bitmap followed by each non-null field by storage kind (integers zig-zag variable-length,
/// doubles 8 bytes, decimals 16 bytes, text UTF-8 with its byte length, arrays their count then each text); for a
/// rejection its code, a flag and field, and its message (never the raw record: that is personal data).
/// Every length is checked against the bytes left, so a truncated or hostile batch fails to decode, never over-reads.
/// </summary>
internal static class RecordBatchCodec
{
    private static ReadOnlySpan<byte> Magic => "REB1"u8;

    private const byte RecordEntry = 0;
    private const byte RejectionEntry = 1;

    /// <summary>A hash of the schema's field names and types, so a batch is never read with another schema.</summary>
    public static uint SchemaHash(DatasetSchema schema)
    {
        uint hash = Fnv1a.Offset;
        foreach (FieldDefinition field in schema.Fields)
        {
            hash = Fnv1a.Add(hash, field.Name);
            hash = Fnv1a.Add(hash, ((int)field.Type).ToString(CultureInfo.InvariantCulture));
        }

        return hash;
    }

    /// <summary>Accumulates the entries of one batch.</summary>
    public sealed class Writer(RecordLayout layout, uint schemaHash)
    {
        private readonly ArrayBufferWriter<byte> _body = new(16 * 1024);
        private long _previousLine;

        public int Count { get; private set; }

        public long FirstLine { get; private set; }

        public long LastLine => _previousLine;

        public void Add(Record record)
        {
            Span<int> bits = stackalloc int[4];
            Start(RecordEntry, record.Line);
            int bitmapLength = (layout.FieldCount + 7) / 8;
            Span<byte> bitmap = _body.GetSpan(bitmapLength)[..bitmapLength];
            bitmap.Clear();
            for (int field = 0; field < layout.FieldCount; field++)
            {
                if (record.Nulls[field])
                {
                    bitmap[field >> 3] |= (byte)(1 << (field & 7));
                }
            }

            _body.Advance(bitmapLength);
            for (int field = 0; field < layout.FieldCount; field++)
            {
                if (record.Nulls[field])
                {
                    continue;
                }

                int slot = layout.Slots[field];
                switch (layout.Kinds[field])
                {
                    case StorageKind.Int64:
                        WriteVarInt(ZigZag(record.Int64s[slot]));
                        break;
                    case StorageKind.Double:
                        BinaryPrimitives.WriteDoubleLittleEndian(_body.GetSpan(8), record.Doubles[slot]);
                        _body.Advance(8);
                        break;
                    case StorageKind.Decimal:
                        decimal.GetBits(record.Decimals[slot], bits);
                        Span<byte> target = _body.GetSpan(16);
                        for (int i = 0; i < 4; i++)
                        {
                            BinaryPrimitives.WriteInt32LittleEndian(target[(i * 4)..], bits[i]);
                        }

                        _body.Advance(16);
                        break;
                    case StorageKind.String:
                        WriteText(record.Strings[slot]!);
                        break;
                    case StorageKind.StringArray:
                        string[] items = record.Arrays[slot]!;
                        WriteVarInt((ulong)items.Length);
                        foreach (string item in items)
                        {
                            WriteText(item ?? string.Empty);
                        }

                        break;
                }
            }
        }

        public void Add(RecordRejection rejection)
        {
            Start(RejectionEntry, rejection.Line);
            WriteText(rejection.Code);
            _body.GetSpan(1)[0] = rejection.Field is null ? (byte)0 : (byte)1;
            _body.Advance(1);
            if (rejection.Field is not null)
            {
                WriteText(rejection.Field);
            }

            WriteText(rejection.Message);
        }

        /// <summary>The finished batch: header then body, in a new array; the writer starts over.</summary>
        public byte[] ToArray()
        {
            Span<byte> header = stackalloc byte[4 + 4 + 10 + 10];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], schemaHash);
            int length = 8;
            length += VarInt.Write(header[length..], (ulong)Count);
            length += VarInt.Write(header[length..], ZigZag(FirstLine));
            byte[] batch = new byte[length + _body.WrittenCount];
            header[..length].CopyTo(batch);
            _body.WrittenSpan.CopyTo(batch.AsSpan(length));
            _body.ResetWrittenCount();
            Count = 0;
            return batch;
        }

        private void Start(byte kind, long line)
        {
            if (Count == 0)
            {
                FirstLine = line;
                _previousLine = line;
            }

            _body.GetSpan(1)[0] = kind;
            _body.Advance(1);
            WriteVarInt(ZigZag(line - _previousLine));
            _previousLine = line;
            Count++;
        }

        private void WriteText(string text)
        {
            int length = Encoding.UTF8.GetByteCount(text);
            WriteVarInt((ulong)length);
            Encoding.UTF8.GetBytes(text, _body.GetSpan(length));
            _body.Advance(length);
        }

        private void WriteVarInt(ulong value) => _body.Advance(VarInt.Write(_body.GetSpan(10), value));
    }

    /// <summary>Reads the entries of one batch, in order, into pooled records.</summary>
    public struct Reader
    {
        private readonly ReadOnlyMemory<byte> _batch;
        private readonly RecordLayout _layout;
        private int _position;
        private long _line;

        public Reader(ReadOnlyMemory<byte> batch, RecordLayout layout)
        {
            _batch = batch;
            _layout = layout;
            ReadOnlySpan<byte> span = batch.Span;
            _position = 8;
            Remaining = (int)VarInt.Read(span, ref _position);
            _line = Unzig(VarInt.Read(span, ref _position));
        }

        public int Remaining { get; private set; }

        /// <summary>Fills <paramref name="target"/> with the next entry, or returns the rejection it holds. Only call on a validated batch.</summary>
        public RecordRejection? Next(Record target, string dataset)
        {
            ReadOnlySpan<byte> span = _batch.Span;
            byte kind = span[_position++];
            _line += Unzig(VarInt.Read(span, ref _position));
            Remaining--;
            if (kind == RejectionEntry)
            {
                string code = ReadText(span, ref _position);
                string? field = span[_position++] == 1 ? ReadText(span, ref _position) : null;
                string message = ReadText(span, ref _position);
                return new RecordRejection(dataset, _line, code, message) { Field = field };
            }

            target.Line = _line;
            int bitmapStart = _position;
            _position += (_layout.FieldCount + 7) / 8;
            for (int field = 0; field < _layout.FieldCount; field++)
            {
                if ((span[bitmapStart + (field >> 3)] & (1 << (field & 7))) != 0)
                {
                    target.SetNull(field);
                    continue;
                }

                switch (_layout.Kinds[field])
                {
                    case StorageKind.Int64:
                        target.SetInt64(field, Unzig(VarInt.Read(span, ref _position)));
                        break;
                    case StorageKind.Double:
                        target.SetDouble(field, BinaryPrimitives.ReadDoubleLittleEndian(span[_position..]));
                        _position += 8;
                        break;
                    case StorageKind.Decimal:
                        target.SetDecimal(field, ReadDecimal(span[_position..]));
                        _position += 16;
                        break;
                    case StorageKind.String:
                        target.SetString(field, ReadText(span, ref _position));
                        break;
                    case StorageKind.StringArray:
                        var items = new string[(int)VarInt.Read(span, ref _position)];
                        for (int i = 0; i < items.Length; i++)
                        {
                            items[i] = ReadText(span, ref _position);
                        }

                        target.SetArray(field, items);
                        break;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Walks a whole batch without building anything: the entry count when every length, kind and value fits the
    /// bytes and the schema (decimals must be valid, text valid UTF-8), else <see langword="null"/>.
    /// </summary>
    public static int? Validate(ReadOnlySpan<byte> batch, RecordLayout layout)
    {
        try
        {
            if (batch.Length < 8 || !batch[..4].SequenceEqual(Magic) || BinaryPrimitives.ReadUInt32LittleEndian(batch[4..]) != SchemaHash(layout.Schema))
            {
                return null;
            }

            int position = 8;
            ulong count = VarInt.Read(batch, ref position);
            if (count > int.MaxValue)
            {
                return null;
            }

            VarInt.Read(batch, ref position);
            for (ulong entry = 0; entry < count; entry++)
            {
                byte kind = batch[position++];
                VarInt.Read(batch, ref position);
                if (kind == RejectionEntry)
                {
                    SkipText(batch, ref position);
                    byte hasField = batch[position++];
                    if (hasField > 1)
                    {
                        return null;
                    }

                    if (hasField == 1)
                    {
                        SkipText(batch, ref position);
                    }

                    SkipText(batch, ref position);
                    continue;
                }

                if (kind != RecordEntry)
                {
                    return null;
                }

                int bitmapStart = position;
                position += (layout.FieldCount + 7) / 8;
                if (position > batch.Length)
                {
                    return null;
                }

                for (int field = 0; field < layout.FieldCount; field++)
                {
                    if ((batch[bitmapStart + (field >> 3)] & (1 << (field & 7))) != 0)
                    {
                        continue;
                    }

                    switch (layout.Kinds[field])
                    {
                        case StorageKind.Int64:
                            VarInt.Read(batch, ref position);
                            break;
                        case StorageKind.Double:
                            position += 8;
                            break;
                        case StorageKind.Decimal:
                            ReadDecimal(batch.Slice(position, 16));
                            position += 16;
                            break;
                        case StorageKind.String:
                            SkipText(batch, ref position);
                            break;
                        case StorageKind.StringArray:
                            ulong items = VarInt.Read(batch, ref position);
                            if (items > (ulong)(batch.Length - position))
                            {
                                return null;
                            }

                            for (ulong i = 0; i < items; i++)
                            {
                                SkipText(batch, ref position);
                            }

                            break;
                    }

                    if (position > batch.Length)
                    {
                        return null;
                    }
                }
            }

            return position == batch.Length ? (int)count : null;
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or OverflowException or FormatException)
        {
            return null;
        }
    }

    private static void SkipText(ReadOnlySpan<byte> span, ref int position)
    {
        ulong length = VarInt.Read(span, ref position);
        if (length > (ulong)(span.Length - position) || !Utf8.IsValid(span.Slice(position, (int)length)))
        {
            throw new FormatException();
        }

        position += (int)length;
    }

    private static string ReadText(ReadOnlySpan<byte> span, ref int position)
    {
        int length = (int)VarInt.Read(span, ref position);
        string text = length == 0 ? string.Empty : Encoding.UTF8.GetString(span.Slice(position, length));
        position += length;
        return text;
    }

    private static decimal ReadDecimal(ReadOnlySpan<byte> bytes)
    {
        Span<int> bits = stackalloc int[4];
        for (int i = 0; i < 4; i++)
        {
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
        }

        return new decimal(bits);
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long Unzig(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>LEB128 unsigned integers: 7 bits a byte, at most 10 bytes.</summary>
    private static class VarInt
    {
        public static int Write(Span<byte> target, ulong value)
        {
            int i = 0;
            while (value >= 0x80)
            {
                target[i++] = (byte)(value | 0x80);
                value >>= 7;
            }

            target[i++] = (byte)value;
            return i;
        }

        public static ulong Read(ReadOnlySpan<byte> span, ref int position)
        {
            ulong value = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                byte b = span[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException();
        }
    }
}

/// <summary>FNV-1a (32-bit) over UTF-16 code units: a stable hash for partitions and schema checks, the same in every process.</summary>
internal static class Fnv1a
{
    public const uint Offset = 2166136261;

    public static uint Add(uint hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ (byte)c) * 16777619;
            hash = (hash ^ (byte)(c >> 8)) * 16777619;
        }

        return (hash ^ 0xFF) * 16777619;
    }
}
