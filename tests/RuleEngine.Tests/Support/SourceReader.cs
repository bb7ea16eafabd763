using RuleEngine.Records;
using Record = RuleEngine.Records.Record;

namespace RuleEngine.Tests.Support;

/// <summary>Reads a whole source through its cursor: each record's values by field name, and each rejection.</summary>
internal static class SourceReader
{
    public static async Task<(List<Dictionary<string, object?>> Records, List<RecordRejection> Rejections)> ReadAllAsync(RecordSource source)
    {
        var layout = new RecordLayout(source.Schema);
        var records = new List<Dictionary<string, object?>>();
        var rejections = new List<RecordRejection>();
        RecordCursor cursor = source.Open(layout);
        await using (cursor)
        {
            Record record = layout.CreateRecord();
            while (true)
            {
                ReadOutcome outcome = await cursor.ReadAsync(record, CancellationToken.None);
                if (outcome == ReadOutcome.End)
                {
                    break;
                }

                if (outcome == ReadOutcome.Boundary)
                {
                    continue;
                }

                if (outcome == ReadOutcome.Rejected)
                {
                    rejections.Add(cursor.Rejection!);
                    continue;
                }

                var values = new Dictionary<string, object?> { ["$line"] = record.Line };
                for (int f = 0; f < source.Schema.Fields.Count; f++)
                {
                    values[source.Schema.Fields[f].Name] = record.GetValue(f);
                }

                records.Add(values);
            }
        }

        return (records, rejections);
    }
}
