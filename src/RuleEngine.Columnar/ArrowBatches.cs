using System.Runtime.CompilerServices;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RecordBatch = Apache.Arrow.RecordBatch;

namespace RuleEngine.Columnar;

/// <summary>Reads an Arrow IPC file or stream a record batch at a time (Apache.Arrow); the file format is told by its magic bytes.</summary>
internal static class ArrowBatches
{
    private static readonly byte[] FileMagic = "ARROW1"u8.ToArray();

    public static async IAsyncEnumerable<ColumnBatch> ReadAsync(DatasetSchema schema, Func<Stream> open, ColumnarSourceOptions options, bool[]? fields, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Stream stream = open();
        using ArrowStreamReader reader = await OpenAsync(stream, cancellationToken).ConfigureAwait(false);
        int[]? map = null;
        int lineColumn = -1;
        while (true)
        {
            RecordBatch? batch = await NextAsync(reader, schema, cancellationToken).ConfigureAwait(false);
            if (batch is null)
            {
                yield break;
            }

            using (batch)
            {
                if (map is null)
                {
                    List<string> names = [.. batch.Schema.FieldsList.Select(f => f.Name)];
                    map = ColumnarRecordSource.MapColumns(schema, names);
                    lineColumn = names.FindIndex(n => string.Equals(n, options.LineColumn, StringComparison.OrdinalIgnoreCase));
                }

                var buffers = new ColumnBuffer?[map.Length];
                for (int f = 0; f < map.Length; f++)
                {
                    buffers[f] = fields?[f] == false ? null : Column(batch.Column(map[f]), batch.Schema.FieldsList[map[f]].Name, schema);
                }

                long?[]? lines = lineColumn < 0 ? null : Lines(batch.Column(lineColumn));
                yield return new ColumnBatch(batch.Length, buffers, lines);
            }
        }
    }

    private static async Task<ArrowStreamReader> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek)
        {
            return new ArrowStreamReader(stream, leaveOpen: false);
        }

        byte[] head = new byte[FileMagic.Length];
        int read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        stream.Seek(0, SeekOrigin.Begin);
        return read == head.Length && head.AsSpan().SequenceEqual(FileMagic) ? new ArrowFileReader(stream, leaveOpen: false) : new ArrowStreamReader(stream, leaveOpen: false);
    }

    private static async Task<RecordBatch?> NextAsync(ArrowStreamReader reader, DatasetSchema schema, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException or NotSupportedException)
        {
            throw new RecordSourceException(DiagnosticIds.MalformedRecord, schema.Name, $"The input is not a readable Arrow IPC file or stream ({e.GetType().Name}).");
        }
    }

    private static long?[] Lines(IArrowArray array) => array switch
    {
        Int64Array longs => Values(longs.Length, longs.GetValue),
        Int32Array ints => Values(ints.Length, i => (long?)ints.GetValue(i)),
        _ => new long?[array.Length],
    };

    private static ColumnBuffer Column(IArrowArray array, string name, DatasetSchema schema) => array switch
    {
        StringArray text => new ReferenceColumn<string>(References(text.Length, i => text.GetString(i)), SlotWriter.Write),
        Int64Array longs => new ValueColumn<long>(Values(longs.Length, longs.GetValue), SlotWriter.Write),
        Int32Array ints => new ValueColumn<long>(Values(ints.Length, i => (long?)ints.GetValue(i)), SlotWriter.Write),
        Int16Array shorts => new ValueColumn<long>(Values(shorts.Length, i => (long?)shorts.GetValue(i)), SlotWriter.Write),
        DoubleArray doubles => new ValueColumn<double>(Values(doubles.Length, doubles.GetValue), SlotWriter.Write),
        FloatArray floats => new ValueColumn<double>(Values(floats.Length, i => (double?)floats.GetValue(i)), SlotWriter.Write),
        Decimal128Array decimals => new ValueColumn<decimal>(Values(decimals.Length, decimals.GetValue), SlotWriter.Write),
        BooleanArray flags => new ValueColumn<bool>(Values(flags.Length, flags.GetValue), SlotWriter.Write),
        Date32Array dates => new ValueColumn<DateOnly>(Values(dates.Length, dates.GetDateOnly), SlotWriter.Write),
        Date64Array dates => new ValueColumn<DateOnly>(Values(dates.Length, dates.GetDateOnly), SlotWriter.Write),
        TimestampArray stamps => new ValueColumn<DateTime>(Values(stamps.Length, i => stamps.GetTimestamp(i)?.UtcDateTime), SlotWriter.Write),
        ListArray { Values: StringArray } lists => new ReferenceColumn<string[]>(References(lists.Length, i => lists.IsNull(i) ? null : Items((StringArray)lists.GetSlicedValues(i))), SlotWriter.Write),
        _ => throw new RecordSourceException(DiagnosticIds.InvalidValue, schema.Name, $"Column '{name}' has the Arrow type {array.Data.DataType.Name}, which no field type reads."),
    };

    private static string[] Items(StringArray items)
    {
        var result = new string[items.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = items.GetString(i) ?? string.Empty;
        }

        return result;
    }

    private static T?[] Values<T>(int length, Func<int, T?> get)
        where T : struct
    {
        var values = new T?[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = get(i);
        }

        return values;
    }

    private static T?[] References<T>(int length, Func<int, T?> get)
        where T : class
    {
        var values = new T?[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = get(i);
        }

        return values;
    }
}
