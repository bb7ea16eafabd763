using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Columnar;

/// <summary>Reads a Parquet file a row group at a time, each mapped column into a typed array (Parquet.Net).</summary>
internal static class ParquetBatches
{
    private static readonly ParquetOptions Options = new() { UseDateOnlyTypeForDates = true, TreatByteArrayAsString = true };

    /// <summary>
    /// Decodes the row groups in order. A file opened by path is decoded by up to <paramref name="decoders"/> readers
    /// at once, each on its own stream and taking every n-th row group, because decoding (decompression, dictionaries,
    /// UTF-8) costs more than copying values into slots; a caller's stream has one reader. At most one row group per
    /// decoder is held beyond the one being read.
    /// </summary>
    public static async IAsyncEnumerable<ColumnBatch> ReadAsync(DatasetSchema schema, Func<Stream> open, ColumnarSourceOptions options, int decoders, bool[]? fields, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var readers = new List<ParquetReader> { await Open(schema, open(), cancellationToken).ConfigureAwait(false) };
        var decoding = new List<Task>();
        try
        {
            DataField[] columns = readers[0].Schema.GetDataFields();
            int[] map = ColumnarRecordSource.MapColumns(schema, [.. columns.Select(c => c.Name)]);
            DataField? lineColumn = columns.FirstOrDefault(c => string.Equals(c.Name, options.LineColumn, StringComparison.OrdinalIgnoreCase));
            foreach (int index in map.Where(i => columns[i].IsArray))
            {
                throw new RecordSourceException(DiagnosticIds.InvalidValue, schema.Name, $"Column '{columns[index].Name}' is a list; list columns are read from Arrow IPC, CSV or JSON Lines, not yet from Parquet.");
            }

            int groups = readers[0].RowGroupCount;
            while (readers.Count < Math.Min(decoders, groups))
            {
                readers.Add(await Open(schema, open(), cancellationToken).ConfigureAwait(false));
            }

            // Row group g is decoded by reader g mod n; each reader decodes its groups one after another.
            var previous = new Task[readers.Count];
            Array.Fill(previous, Task.CompletedTask);
            var pending = new Queue<Task<ColumnBatch>>();
            for (int group = 0; group < groups; group++)
            {
                int k = group % readers.Count;
                Task<ColumnBatch> next = DecodeAfterAsync(previous[k], readers[k], group, columns, map, fields, lineColumn, schema, cancellationToken);
                previous[k] = next;
                pending.Enqueue(next);
                decoding.Add(next);
                if (pending.Count > readers.Count)
                {
                    yield return await pending.Dequeue().ConfigureAwait(false);
                }
            }

            while (pending.Count > 0)
            {
                yield return await pending.Dequeue().ConfigureAwait(false);
            }
        }
        finally
        {
            // A reader is disposed only after the decodes that use it have ended (the caller may stop early).
            try
            {
                await Task.WhenAll(decoding).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or RecordSourceException or IOException)
            {
            }

            foreach (ParquetReader reader in readers)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<ColumnBatch> DecodeAfterAsync(Task previous, ParquetReader reader, int group, DataField[] columns, int[] map, bool[]? fields, DataField? lineColumn, DatasetSchema schema, CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(false);
        await Task.Yield();
        try
        {
            return await DecodeAsync(reader, group, columns, map, fields, lineColumn, schema, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
        {
            // A page that does not decompress or decode: what the file's footer promised is not there.
            throw new RecordSourceException(DiagnosticIds.MalformedRecord, schema.Name, string.Create(CultureInfo.InvariantCulture, $"The Parquet file is damaged: row group {group + 1} of {reader.RowGroupCount} cannot be decoded ({e.GetType().Name}); the row groups before it were read."));
        }
    }

    private static async Task<ColumnBatch> DecodeAsync(ParquetReader reader, int group, DataField[] columns, int[] map, bool[]? fields, DataField? lineColumn, DatasetSchema schema, CancellationToken cancellationToken)
    {
        using ParquetRowGroupReader rows = reader.OpenRowGroupReader(group);
        int count = checked((int)rows.RowCount);
        var buffers = new ColumnBuffer?[map.Length];
        for (int f = 0; f < map.Length; f++)
        {
            buffers[f] = fields?[f] == false ? null : await ColumnAsync(rows, columns[map[f]], count, schema, cancellationToken).ConfigureAwait(false);
        }

        long?[]? lines = lineColumn is null ? null : await LinesAsync(rows, lineColumn, count, cancellationToken).ConfigureAwait(false);
        return new ColumnBatch(count, buffers, lines);
    }

    private static async Task<ParquetReader> Open(DatasetSchema schema, Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(stream, Options, leaveStreamOpen: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new RecordSourceException(DiagnosticIds.MalformedRecord, schema.Name, $"The file is not a readable Parquet file ({e.GetType().Name}).");
        }
    }

    private static async Task<long?[]> LinesAsync(ParquetRowGroupReader rows, DataField field, int count, CancellationToken cancellationToken)
    {
        if (field.ClrType == typeof(long))
        {
            return await ValuesAsync<long>(rows, field, count, cancellationToken).ConfigureAwait(false);
        }

        int?[] lines = await ValuesAsync<int>(rows, field, count, cancellationToken).ConfigureAwait(false);
        return [.. lines.Select(l => (long?)l)];
    }

    private static async Task<ColumnBuffer> ColumnAsync(ParquetRowGroupReader rows, DataField field, int count, DatasetSchema schema, CancellationToken cancellationToken)
    {
        Type type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var text = new string?[count];
            await rows.ReadAsync(field, text.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            return new ReferenceColumn<string>(text, SlotWriter.Write);
        }

        if (type == typeof(long))
        {
            return new ValueColumn<long>(await ValuesAsync<long>(rows, field, count, cancellationToken).ConfigureAwait(false), SlotWriter.Write);
        }

        if (type == typeof(int))
        {
            return new ValueColumn<int>(await ValuesAsync<int>(rows, field, count, cancellationToken).ConfigureAwait(false), static (r, f, d, v) => SlotWriter.Write(r, f, d, (long)v));
        }

        if (type == typeof(short))
        {
            return new ValueColumn<short>(await ValuesAsync<short>(rows, field, count, cancellationToken).ConfigureAwait(false), static (r, f, d, v) => SlotWriter.Write(r, f, d, (long)v));
        }

        if (type == typeof(double))
        {
            return new ValueColumn<double>(await ValuesAsync<double>(rows, field, count, cancellationToken).ConfigureAwait(false), SlotWriter.Write);
        }

        if (type == typeof(float))
        {
            return new ValueColumn<float>(await ValuesAsync<float>(rows, field, count, cancellationToken).ConfigureAwait(false), static (r, f, d, v) => SlotWriter.Write(r, f, d, (double)v));
        }

        if (type == typeof(decimal))
        {
            return new ValueColumn<decimal>(await ValuesAsync<decimal>(rows, field, count, cancellationToken).ConfigureAwait(false), SlotWriter.Write);
        }

        if (type == typeof(bool))
        {
            return new ValueColumn<bool>(await ValuesAsync<bool>(rows, field, count, cancellationToken).ConfigureAwait(false), SlotWriter.Write);
        }

        if (type == typeof(DateOnly))
        {
            return new ValueColumn<DateOnly>(await ValuesAsync<DateOnly>(rows, field, count, cancellationToken).ConfigureAwait(false), SlotWriter.Write);
        }

        if (type == typeof(DateTime))
        {
            return new ValueColumn<DateTime>(await ValuesAsync<DateTime>(rows, field, count, cancellationToken).ConfigureAwait(false), SlotWriter.Write);
        }

        throw new RecordSourceException(DiagnosticIds.InvalidValue, schema.Name, $"Column '{field.Name}' has the Parquet type {type.Name}, which no field type reads.");
    }

    private static async Task<T?[]> ValuesAsync<T>(ParquetRowGroupReader rows, DataField field, int count, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T?[count];
        if (field.IsNullable)
        {
            await rows.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            return values;
        }

        var required = new T[count];
        await rows.ReadAsync<T>(field, required.AsMemory(), null, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < count; i++)
        {
            values[i] = required[i];
        }

        return values;
    }
}
