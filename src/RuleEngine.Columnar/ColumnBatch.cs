using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Columnar;

/// <summary>One column of a batch, held as read (a typed array), written into a record's slot row by row.</summary>
internal abstract class ColumnBuffer
{
    public abstract (string Code, string Message)? Write(int row, Record record, int field, FieldDefinition definition);
}

/// <summary>A column of values of a value type, NULLs as <see langword="null"/>.</summary>
internal sealed class ValueColumn<T>(T?[] values, Func<Record, int, FieldDefinition, T, (string, string)?> write) : ColumnBuffer
    where T : struct
{
    public override (string Code, string Message)? Write(int row, Record record, int field, FieldDefinition definition) =>
        values[row] is { } value ? write(record, field, definition, value) : SlotWriter.Null(record, field, definition);
}

/// <summary>A column of text or lists, NULLs as <see langword="null"/>.</summary>
internal sealed class ReferenceColumn<T>(T?[] values, Func<Record, int, FieldDefinition, T, (string, string)?> write) : ColumnBuffer
    where T : class
{
    public override (string Code, string Message)? Write(int row, Record record, int field, FieldDefinition definition) =>
        values[row] is { } value ? write(record, field, definition, value) : SlotWriter.Null(record, field, definition);
}

/// <summary>A row group or record batch: its rows, one buffer per schema field, and each row's line when the file carries it.</summary>
internal sealed record ColumnBatch(int Rows, ColumnBuffer?[] Fields, long?[]? Lines);
