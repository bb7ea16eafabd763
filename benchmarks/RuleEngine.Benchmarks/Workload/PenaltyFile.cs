using System.Globalization;
using System.Text;
using RuleEngine.Schema;

namespace RuleEngine.Benchmarks.Workload;

/// <summary>
/// A CSV export of administrative penalties (7 columns: a valid ID number, a name, the penalty, the amount, the date, a
/// region, the agency), written once per size into the temporary folder and kept for later runs.
/// </summary>
internal static class PenaltyFile
{
    private static readonly string[] Penalties = ["警告", "罚款", "行政拘留", "没收违法所得", "责令停产停业", "暂扣许可证", "吊销许可证", "通报批评"];

    /// <summary>Gets the schema of the file.</summary>
    public static DatasetSchema Schema { get; } = DatasetSchema.Create("penalties")
        .Add("id_number", FieldType.IdNumber)
        .Add("name", FieldType.String, PersonalDataKind.Name)
        .Add("penalty", FieldType.String)
        .Add("amount", FieldType.Decimal)
        .Add("decided", FieldType.Date)
        .Add("region", FieldType.String)
        .Add("agency", FieldType.String)
        .Build();

    /// <summary>The path of the file of <paramref name="rows"/> rows, written first if it is not there.</summary>
    public static string Csv(int rows)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ruleengine-duckdb-v2-{rows}.csv");
        if (File.Exists(path))
        {
            return path;
        }

        var random = new Random(3);
        string partial = path + ".partial";
        using (var writer = new StreamWriter(partial, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write("id_number,name,penalty,amount,decided,region,agency\n");
            for (int i = 0; i < rows; i++)
            {
                // Most penalties are warnings and small fines; detentions and large fines are rare.
                string penalty = random.Next(100) < 60 ? Penalties[0] : Penalties[random.Next(Penalties.Length)];
                int amount = random.Next(100) < 97 ? random.Next(0, 1000) : random.Next(1000, 50_000);
                // Valid ID numbers, as an export holds: an invalid one is a field warning per record, a cost of its own.
                string body = string.Create(CultureInfo.InvariantCulture, $"33010{random.Next(1, 9)}{1950 + random.Next(50)}{random.Next(1, 13):00}{random.Next(1, 29):00}{random.Next(100, 999)}");
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{body}{ChineseData.IdNumber.ComputeCheckCharacter(body)},某{i % 97},{penalty},{amount},{new DateOnly(2020, 1, 1).AddDays(random.Next(0, 1500)):yyyy-MM-dd},{330100 + random.Next(1, 20)},某区市场监督管理局{random.Next(10)}\n"));
            }
        }

        File.Move(partial, path, overwrite: true);
        return path;
    }
}
