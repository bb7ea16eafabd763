using RuleEngine.Records;
using RuleEngine.Schema;
using Record = RuleEngine.Records.Record;

namespace RuleEngine.Tests.Records;

/// <summary>Records a stage holds for the next (a derived dataset) come back as they went in, whatever their number.</summary>
public sealed class HeldRecordsTests
{
    private static readonly RecordLayout Layout = new(DatasetSchema.Create("held")
        .Add("name", FieldType.String)
        .Add("count", FieldType.Int)
        .Add("amount", FieldType.Decimal)
        .Add("ratio", FieldType.Double)
        .Add("filed", FieldType.Date)
        .Add("tags", FieldType.StringArray)
        .Add("other", FieldType.String)
        .Build());

    /// <summary>Record <paramref name="i"/>: every kind of slot filled, and every seventh field NULL in turn.</summary>
    private static Record Made(int i)
    {
        Record record = Layout.CreateRecord();
        record.Line = 1000 + i;
        record.SetString(0, "名" + i);
        record.SetInt64(1, i);
        record.SetDecimal(2, i * 1.25m);
        record.SetDouble(3, i / 3.0);
        record.SetInt64(4, 738000 + i);
        record.SetArray(5, [$"t{i}", $"u{i}"]);
        record.SetString(6, "x");
        record.SetNull(i % 7);
        return record;
    }

    private static void AssertSame(Record expected, Record actual)
    {
        Assert.Equal(expected.Line, actual.Line);
        for (int field = 0; field < Layout.FieldCount; field++)
        {
            Assert.Equal(expected.GetValue(field), actual.GetValue(field));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(65)]
    [InlineData(HeldRecords.BlockSize)]
    [InlineData((2 * HeldRecords.BlockSize) + 17)]
    public void Every_record_comes_back_in_order_with_its_values_nulls_and_line(int count)
    {
        var held = new HeldRecords(Layout);
        for (int i = 0; i < count; i++)
        {
            held.Add(Made(i));
        }

        Assert.Equal(count, held.Count);
        Record target = Layout.CreateRecord();
        for (int i = 0; i < count; i++)
        {
            held.CopyTo(i, target);
            AssertSame(Made(i), target);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => held.CopyTo(count, target));
    }

    [Fact]
    public void A_record_added_is_a_copy_so_its_reader_may_refill_it()
    {
        var held = new HeldRecords(Layout);
        Record reused = Layout.CreateRecord();
        for (int i = 0; i < 100; i++)
        {
            Made(i).CopyTo(reused);
            held.Add(reused);
        }

        List<Record> records = held.Materialize();
        Assert.Equal(100, records.Count);
        for (int i = 0; i < 100; i++)
        {
            AssertSame(Made(i), records[i]);
        }

        Assert.Equal(100, records.Distinct().Count());

        held.Clear();
        Assert.Equal(0, held.Count);
        held.Add(Made(7));
        held.CopyTo(0, reused);
        AssertSame(Made(7), reused);
    }
}
