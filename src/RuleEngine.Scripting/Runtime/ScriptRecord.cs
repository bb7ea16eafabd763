using System.ComponentModel;
using RuleEngine.Records;

namespace RuleEngine.Scripting.Runtime;

/// <summary>
/// Reads the typed slots of a record for the <c>RecordView</c> generated from a dataset's schema. Used by generated
/// code only: scripts cannot name it (it is not on the allow-list), so they see fields, never slots.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ScriptRecord
{
    private readonly Record _record;

    /// <summary>Initializes a new instance of the <see cref="ScriptRecord"/> struct.</summary>
    /// <param name="record">The record, as the hot loop hands it over.</param>
    public ScriptRecord(object record) => _record = (Record)record;

    /// <summary>Reads an int field.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public int? Int32(int field, int slot) => _record.Nulls[field] ? null : (int)_record.Int64s[slot];

    /// <summary>Reads a long field.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public long? Int64(int field, int slot) => _record.Nulls[field] ? null : _record.Int64s[slot];

    /// <summary>Reads a bool field.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public bool? Boolean(int field, int slot) => _record.Nulls[field] ? null : _record.Int64s[slot] != 0;

    /// <summary>Reads a date field.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public DateOnly? Date(int field, int slot) => _record.Nulls[field] ? null : DateOnly.FromDayNumber((int)_record.Int64s[slot]);

    /// <summary>Reads a datetime field.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public DateTime? DateTime(int field, int slot) => _record.Nulls[field] ? null : new DateTime(_record.Int64s[slot], DateTimeKind.Unspecified);

    /// <summary>Reads a double field.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public double? Double(int field, int slot) => _record.Nulls[field] ? null : _record.Doubles[slot];

    /// <summary>Reads a decimal field.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public decimal? Decimal(int field, int slot) => _record.Nulls[field] ? null : _record.Decimals[slot];

    /// <summary>Reads a text field.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? String(int field, int slot) => _record.Nulls[field] ? null : _record.Strings[slot];

    /// <summary>Reads a list-of-texts field, read-only.</summary>
    /// <param name="field">The field's index in the schema.</param>
    /// <param name="slot">The field's slot.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public Api.TextList? Texts(int field, int slot) => _record.Nulls[field] || _record.Arrays[slot] is not { } items ? null : new Api.TextList(items);
}
