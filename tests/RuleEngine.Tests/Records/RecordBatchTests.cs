using System.Threading.Channels;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Records;

public class RecordBatchTests
{
    private const string Header = "case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n";

    private static readonly string Rows = Header
        + "（2021）浙0106民初1号,民间借贷纠纷,110105194912310021,张三丰,13800138000,123456.78,0.5,-3,true,2021-01-05,甲;乙\n"
        + "（2021）浙0106民初2号,,,,,,,,,,\n"
        + "（2021）浙0106民初3号,民间借贷纠纷,110105194912310021,李四,,1e400,NaN,7,false,2021-02-30,\n"
        + "（2021）浙0106民初4号,买卖合同纠纷,330106198001010012,王五,,-0.000001,1.7976931348623157E+308,2147483647,false,2021-12-31,丙\n"
        + "too,few\n";

    [Fact]
    public async Task FromBatches_RoundTrip_KeepsEveryValueNullLineAndRejection()
    {
        RecordSource original = TestRules.Csv(Rows);
        var (expected, expectedRejections) = await SourceReader.ReadAllAsync(TestRules.Csv(Rows));
        List<RecordBatch> batches = await Collect(original.ReadBatchesAsync(new RecordBatchOptions { RecordsPerBatch = 2 }));

        var (actual, actualRejections) = await SourceReader.ReadAllAsync(RecordSource.FromBatches(TestRules.Judgments, Payloads(batches)));

        Assert.Equal(3, batches.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }

        Assert.Equal(expectedRejections.Select(r => (r.Line, r.Code, r.Field, r.Message)), actualRejections.Select(r => (r.Line, r.Code, r.Field, r.Message)));
        Assert.Equal(expected.Count + expectedRejections.Count, batches.Sum(b => b.Count));
    }

    [Fact]
    public async Task RunOverBatches_GivesTheCluesAndSummaryOfTheRunOverTheFile()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("cause = '民间借贷纠纷' AND amount > 100"), TestRules.Rule("months IS NULL", "R2"));
        var (fileClues, fileSummary) = await TestRules.RunAsync(rules, TestRules.Csv(Rows));
        List<RecordBatch> batches = await Collect(TestRules.Csv(Rows).ReadBatchesAsync(new RecordBatchOptions { RecordsPerBatch = 1 }));

        var (batchClues, batchSummary) = await TestRules.RunAsync(rules, RecordSource.FromBatches(TestRules.Judgments, Payloads(batches)));

        Assert.NotEmpty(fileClues);
        Assert.Equal(fileClues, batchClues, ClueComparer.Instance);
        Assert.Equal(fileSummary.RecordsRead, batchSummary.RecordsRead);
        Assert.Equal(fileSummary.RecordsRejected, batchSummary.RecordsRejected);
        Assert.Equal(fileSummary.Rejections.Select(r => (r.Line, r.Code)), batchSummary.Rejections.Select(r => (r.Line, r.Code)));
    }

    [Fact]
    public async Task ReadBatches_PartitionedByKey_PutsEveryRecordOfAKeyInOnePartitionInOrder()
    {
        var text = new System.Text.StringBuilder(Header);
        for (int i = 1; i <= 600; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"C{i},c,P{i % 37},n,,1,1,{i},false,2021-01-01,\n");
        }

        List<RecordBatch> batches = await Collect(TestRules.Csv(text.ToString()).ReadBatchesAsync(new RecordBatchOptions { RecordsPerBatch = 16, Partitions = 4, PartitionBy = "plaintiff_id" }));

        var partitionOfKey = new Dictionary<string, int>();
        var lastLineOfPartition = new long[4];
        long records = 0;
        foreach (RecordBatch batch in batches)
        {
            Assert.InRange(batch.Count, 1, 16);
            var (rows, rejections) = await SourceReader.ReadAllAsync(RecordSource.FromBatches(TestRules.Judgments, Payloads([batch])));
            Assert.Empty(rejections);
            foreach (Dictionary<string, object?> row in rows)
            {
                string key = (string)row["plaintiff_id"]!;
                Assert.Equal(partitionOfKey.GetValueOrDefault(key, batch.Partition), batch.Partition);
                partitionOfKey[key] = batch.Partition;
                Assert.True((long)row["$line"]! > lastLineOfPartition[batch.Partition]);
                lastLineOfPartition[batch.Partition] = (long)row["$line"]!;
                records++;
            }
        }

        Assert.Equal(600, records);
        Assert.Equal(4, partitionOfKey.Values.Distinct().Count());
    }

    [Fact]
    public void ReadBatches_UnknownPartitionField_IsRefusedWithItsName()
    {
        var e = Assert.Throws<ArgumentException>(() => TestRules.Csv(Rows).ReadBatchesAsync(new RecordBatchOptions { Partitions = 2, PartitionBy = "nope" }));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("other-schema")]
    [InlineData("empty")]
    [InlineData("huge-length")]
    public async Task FromBatches_UndecodableBatch_IsOneRejectionAndTheNextBatchIsRead(string damage)
    {
        List<RecordBatch> batches = await Collect(TestRules.Csv(Rows).ReadBatchesAsync(new RecordBatchOptions { RecordsPerBatch = 10 }));
        byte[] good = batches[0].Payload.ToArray();
        byte[] bad = damage switch
        {
            "truncated" => good[..(good.Length - 3)],
            "garbage" => [.. "not a batch at all"u8],
            "other-schema" => (await Collect(RecordSource.Csv(new MemoryStream("x\n1\n"u8.ToArray()), DatasetSchema.Create("judgments").Add("x", FieldType.Int).Build()).ReadBatchesAsync()))[0].Payload.ToArray(),
            "empty" => [],
            _ => [.. good[..8], 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00],
        };

        var (records, rejections) = await SourceReader.ReadAllAsync(RecordSource.FromBatches(TestRules.Judgments, Payloads([bad, good])));

        Assert.Equal(1, RecordBatch.EntryCount(bad, TestRules.Judgments));
        Assert.Equal(batches[0].Count, RecordBatch.EntryCount(good, TestRules.Judgments));
        RecordRejection malformed = rejections[0];
        Assert.Equal(DiagnosticIds.MalformedBatch, malformed.Code);
        Assert.Equal((await SourceReader.ReadAllAsync(TestRules.Csv(Rows))).Records.Count, records.Count);
        Assert.Equal(batches[0].Count - records.Count + 1, rejections.Count);
    }

    [Fact]
    public async Task RunOverBatches_HandsABatchOnBeforeTheNextArrives()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("cause = '民间借贷纠纷'"));
        List<RecordBatch> batches = await Collect(TestRules.Csv(Rows).ReadBatchesAsync(new RecordBatchOptions { RecordsPerBatch = 1 }));
        var input = Channel.CreateUnbounded<ReadOnlyMemory<byte>>();
        var firstClue = new TaskCompletionSource<Clue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new CallbackSink(clue => firstClue.TrySetResult(clue));
        input.Writer.TryWrite(batches[0].Payload);

        Task<RunSummary> run = rules.RunAsync(RecordSource.FromBatches(TestRules.Judgments, input.Reader.ReadAllAsync()), sink);

        // The run must produce the first batch's clue while its input is still open: no more batches come until it does.
        Clue clue = await firstClue.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, clue.Line);
        Assert.False(run.IsCompleted);
        input.Writer.Complete();
        RunSummary summary = await run;
        Assert.Equal(1, summary.RecordsRead);
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Payloads(IEnumerable<RecordBatch> batches)
    {
        foreach (RecordBatch batch in batches)
        {
            await Task.Yield();
            yield return batch.Payload;
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Payloads(IEnumerable<byte[]> batches)
    {
        foreach (byte[] batch in batches)
        {
            await Task.Yield();
            yield return batch;
        }
    }

    private static async Task<List<RecordBatch>> Collect(IAsyncEnumerable<RecordBatch> batches)
    {
        var list = new List<RecordBatch>();
        await foreach (RecordBatch batch in batches)
        {
            list.Add(batch);
        }

        return list;
    }

    private sealed class CallbackSink(Action<Clue> onClue) : IClueSink
    {
        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            onClue(clue);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ClueComparer : IEqualityComparer<Clue>
    {
        public static ClueComparer Instance { get; } = new();

        public bool Equals(Clue? x, Clue? y) => x is not null && y is not null
            && x.RuleId == y.RuleId && x.Line == y.Line && x.Fingerprint == y.Fingerprint && x.SubjectKey == y.SubjectKey && x.Title == y.Title
            && x.Evidence.SequenceEqual(y.Evidence);

        public int GetHashCode(Clue obj) => obj.Fingerprint.GetHashCode(StringComparison.Ordinal);
    }
}
