using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RuleEngine.ChineseData;
using RuleEngine.Schema;
using RuleEngine.Yaml.Testing;

namespace RuleEngine.Yaml;

/// <summary>How much data <see cref="ModelDataGenerator"/> writes.</summary>
public sealed record DataGenerationOptions
{
    /// <summary>Gets the least number of records each model's own dataset receives.</summary>
    /// <value>The default is 100,000.</value>
    public int RecordsPerModel { get; init; } = 100_000;

    /// <summary>Gets the seed; the same seed writes the same files.</summary>
    /// <value>The default is 1.</value>
    public int Seed { get; init; } = 1;
}

/// <summary>What <see cref="ModelDataGenerator"/> wrote.</summary>
/// <param name="RecordsPerDataset">Records written per dataset file.</param>
/// <param name="ExpectedClues">The clues the data must produce, as (rule id, subject).</param>
public sealed record GeneratedData(IReadOnlyDictionary<string, long> RecordsPerDataset, IReadOnlyList<(string RuleId, string Subject)> ExpectedClues);

/// <summary>
/// Writes synthetic datasets of any size for a model set, with planted hits and near misses and the clues they must
/// produce. It replicates each model's own tests (those that use the default region and parameters and inline
/// records): every replica gets fresh, valid ID numbers, credit codes and case numbers, each the same wherever the
/// replica repeats it (so replicas never meet in a join or a window, and a replica's own records still do), and
/// realistic names; the expected clues are the tests' expectations with the fresh subjects.
/// Deterministic by seed.
/// </summary>
public static partial class ModelDataGenerator
{
    private const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "丹", "鹏", "玉兰"];
    private static readonly string[] Regions = ["110105", "120101", "310104", "320102", "330106", "330624", "340104", "350102", "370102", "420112", "430102", "440303", "500103", "510107", "610113"];
    private static readonly string[] Courts = ["京0105", "沪0104", "苏0102", "浙0106", "浙0624", "皖0104", "鲁0102", "鄂0112", "湘0102", "粤0303", "渝0103", "川0107"];
    private const string CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>Writes one file per dataset (named after it) into <paramref name="folder"/>, and <c>expected-clues.tsv</c>.</summary>
    /// <param name="models">The models; must have no errors.</param>
    /// <param name="folder">Where to write.</param>
    /// <param name="options">Size and seed; <see langword="null"/> for the defaults.</param>
    /// <returns>What was written.</returns>
    public static GeneratedData Generate(ModelSet models, string folder, DataGenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (models.HasErrors)
        {
            throw new Diagnostics.RuleCompilationException(models.Diagnostics);
        }

        options ??= new DataGenerationOptions();
        Directory.CreateDirectory(folder);
        var random = new Random(options.Seed);
        var identities = new Identities(random);
        var writers = new Dictionary<string, DatasetWriter>(StringComparer.Ordinal);
        var expected = new List<(string, string)>();

        // A rule that reads a derived dataset (a stage) names its subject in that dataset's fields.
        RuleSet? compiled = null;
        DatasetSchema? SchemaOf(string dataset) => models.Datasets.TryGetValue(dataset, out DatasetDefinition? declared) ? declared.Schema : (compiled ??= models.Compile()).Datasets.GetValueOrDefault(dataset);
        try
        {
            foreach (SupervisionModel model in models.Models.Where(m => m.Status != ModelStatus.Retired))
            {
                ModelTest[] tests = [.. model.Tests.Where(t => t.Region is null && t.ParameterOverrides.Count == 0 && t.Records.All(r => r.File is null) && t.Records.Count > 0)];
                string primary = model.Rules[0].Dataset;
                int perReplica = tests.Sum(t => t.Records.Where(r => r.Dataset == primary).Sum(r => r.Inline.Count));
                if (perReplica == 0)
                {
                    continue;
                }

                int replicas = (options.RecordsPerModel + perReplica - 1) / perReplica;
                for (int replica = 0; replica < replicas; replica++)
                {
                    foreach (ModelTest test in tests)
                    {
                        var map = new Dictionary<string, string>(StringComparer.Ordinal);
                        foreach (TestRecords records in test.Records)
                        {
                            DatasetDefinition dataset = models.Datasets[records.Dataset];
                            if (!writers.TryGetValue(dataset.Schema.Name, out DatasetWriter? writer))
                            {
                                writer = new DatasetWriter(dataset, folder);
                                writers.Add(dataset.Schema.Name, writer);
                            }

                            foreach (TestRecord record in records.Inline)
                            {
                                writer.Write(Replicate(record, dataset.Schema, map, identities));
                            }
                        }

                        foreach (ExpectedClue clue in test.Expected)
                        {
                            RuleDefinition rule = model.Rules.First(r => clue.Rule is null ? r.Derive is null : ModelSet.ShortId(r) == clue.Rule || r.Id == clue.Rule);
                            expected.Add((rule.Id, RemapSubject(clue.Subject, SubjectFields.Of(rule, SchemaOf), map)));
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (DatasetWriter writer in writers.Values)
            {
                writer.Dispose();
            }
        }

        expected.Sort((a, b) => string.CompareOrdinal(a.Item1 + "\t" + a.Item2, b.Item1 + "\t" + b.Item2));
        File.WriteAllLines(Path.Combine(folder, "expected-clues.tsv"), expected.Select(e => e.Item1 + "\t" + e.Item2), new UTF8Encoding(false));
        return new GeneratedData(writers.ToDictionary(w => w.Key, w => w.Value.Count, StringComparer.Ordinal), expected);
    }

    private static Dictionary<string, object?> Replicate(TestRecord record, DatasetSchema schema, Dictionary<string, string> map, Identities identities)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string name, object? value) in record.Values)
        {
            if (!schema.TryGetField(name, out FieldDefinition? field) || value is not string text)
            {
                values[name] = value;
                continue;
            }

            values[name] = field.Type switch
            {
                FieldType.IdNumber => identities.IdNumber(text, map),
                FieldType.CreditCode => identities.CreditCode(text, map),
                FieldType.CaseNo => identities.CaseNumber(text, map),
                _ when field.Personal == PersonalDataKind.Name => identities.Name(),
                _ => text,
            };
        }

        // A required field the test's records leave out (the model does not read it) still gets a value, or the file
        // would fail its own dataset's check when every field is read (rulerunner sql, --check-every-field).
        foreach (FieldDefinition field in schema.Fields.Where(f => !f.IsNullable && values.GetValueOrDefault(f.Name) is null))
        {
            values[field.Name] = field.Type switch
            {
                FieldType.IdNumber => identities.IdNumber("required:" + field.Name, map),
                FieldType.CreditCode => identities.CreditCode("required:" + field.Name, map),
                FieldType.CaseNo => identities.CaseNumber(string.Empty, new Dictionary<string, string>(StringComparer.Ordinal)),
                FieldType.Int or FieldType.Long or FieldType.Decimal or FieldType.Double => "0",
                FieldType.Bool => "false",
                FieldType.Date or FieldType.DateTime => "2024-01-01",
                FieldType.YearMonth => "2024-01",
                _ when field.Personal == PersonalDataKind.Name => identities.Name(),
                _ => field.Name,
            };
        }

        return values;
    }

    private static string RemapSubject(string subject, FieldDefinition?[] fields, Dictionary<string, string> map)
    {
        string[] parts = subject.Split('|');
        for (int i = 0; i < parts.Length && i < fields.Length; i++)
        {
            if (fields[i] is { } field)
            {
                // An ID number, credit code or case number was replaced in the replica; the map has the replacement.
                string normalized = field.Type switch
                {
                    FieldType.IdNumber => ChineseData.IdNumber.Normalize(parts[i]),
                    FieldType.CreditCode => ChineseData.CreditCode.Normalize(parts[i]),
                    FieldType.CaseNo => Identities.CaseNumberKey(parts[i]),
                    _ => parts[i],
                };
                parts[i] = map.TryGetValue(normalized, out string? fresh) ? fresh : normalized;
            }
        }

        return string.Join('|', parts);
    }

    /// <summary>Fresh, valid identities: each original ID, credit code or case number of a replica maps to a new one, in the same form.</summary>
    private sealed partial class Identities(Random random)
    {
        private static readonly string[] Provinces = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"];
        private readonly Dictionary<string, long> _used = new(StringComparer.Ordinal);
        private long _companies;
        private long _cases;

        /// <summary>
        /// A fresh ID number for an original one, keeping what rules read from it (birth date and sex) and varying the
        /// region and sequence, so it is unique; the same form (15 or 18 characters) as the original.
        /// </summary>
        public string IdNumber(string original, Dictionary<string, string> map)
        {
            string normalized = ChineseData.IdNumber.Normalize(original);
            if (!map.TryGetValue(normalized, out string? fresh))
            {
                bool valid = ChineseData.IdNumber.IsValid(normalized);
                string birth = valid ? normalized.Substring(6, 8) : "19700101";
                int sex = valid ? (normalized[16] - '0') % 2 : 1;
                long n = _used.TryGetValue(birth + sex, out long count) ? count : 0;
                _used[birth + sex] = n + 1;
                string region = string.Create(CultureInfo.InvariantCulture, $"{Provinces[(int)(n % Provinces.Length)]}{(n / Provinces.Length % 20) + 1:00}{(n / Provinces.Length / 20 % 20) + 1:00}");
                long sequence = (n / Provinces.Length / 400 % 499 * 2) + 2 - (sex == 1 ? 1 : 0);
                string body = region + birth + sequence.ToString("000", CultureInfo.InvariantCulture);
                fresh = body + ChineseData.IdNumber.ComputeCheckCharacter(body);
                map[normalized] = fresh;
            }

            string trimmed = original.Trim();
            return trimmed.Length == 15 && fresh.AsSpan(6, 2).SequenceEqual("19") ? string.Concat(fresh.AsSpan(0, 6), fresh.AsSpan(8, 9)) : fresh;
        }

        public string CreditCode(string original, Dictionary<string, string> map)
        {
            string normalized = ChineseData.CreditCode.Normalize(original);
            if (!map.TryGetValue(normalized, out string? fresh))
            {
                long n = _companies++;
                var body = new StringBuilder("91").Append(Regions[(int)(n % Regions.Length)]);
                long rest = n;
                for (int i = 0; i < 9; i++)
                {
                    body.Append(CreditAlphabet[(int)(rest % 31)]);
                    rest /= 31;
                }

                fresh = body.ToString() + ChineseData.CreditCode.ComputeCheckCharacter(body.ToString());
                map[normalized] = fresh;
            }

            return fresh;
        }

        public string Name() => Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)];

        /// <summary>
        /// A fresh case number for an original one, the same within a replica (a judgment's number joins its
        /// enforcement's): the original with a new sequence number, so the year, court and case type that rules read
        /// stay; a text that is not a case number becomes an invented one.
        /// </summary>
        public string CaseNumber(string original, Dictionary<string, string> map)
        {
            string normalized = CaseNumberKey(original);
            if (!map.TryGetValue(normalized, out string? fresh))
            {
                long n = ++_cases;
                Match sequence = SequenceNumber().Match(normalized);
                fresh = sequence.Success
                    ? string.Concat(normalized.AsSpan(3, sequence.Index - 3), n.ToString(CultureInfo.InvariantCulture), "号")
                    : string.Create(CultureInfo.InvariantCulture, $"（{2016 + (n % 9)}）{Courts[random.Next(Courts.Length)]}{(random.Next(2) == 0 ? "民初" : "刑初")}{n}号");
                map[normalized] = fresh;
            }

            return fresh;
        }

        /// <summary>A case number's key in a replica's map, apart from the ID numbers and credit codes there.</summary>
        public static string CaseNumberKey(string original) => "案号:" + ChineseData.CaseNumber.Normalize(original);

        /// <summary>The sequence number that ends a case number (<c>298号</c>), after its year in brackets.</summary>
        [GeneratedRegex(@"(?<=）.*)\d+号$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
        private static partial Regex SequenceNumber();
    }

    /// <summary>Writes one dataset's file: CSV with the dataset's column names, or JSON Lines nested by source path.</summary>
    private sealed class DatasetWriter : IDisposable
    {
        private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        private readonly DatasetDefinition _dataset;
        private readonly StreamWriter _writer;

        public DatasetWriter(DatasetDefinition dataset, string folder)
        {
            _dataset = dataset;
            Encoding encoding = dataset.Format == DataFormat.Csv ? dataset.CsvOptions().Encoding ?? new UTF8Encoding(false) : new UTF8Encoding(false);
            _writer = new StreamWriter(Path.Combine(folder, dataset.DataFileName), false, encoding, 1 << 16) { NewLine = "\n" };
            if (dataset.Format == DataFormat.Csv)
            {
                _writer.WriteLine(string.Join(dataset.Separator, dataset.Schema.Fields.Select(f => Quote(f.SourceName))));
            }
        }

        public long Count { get; private set; }

        public void Write(Dictionary<string, object?> values)
        {
            Count++;
            if (_dataset.Format == DataFormat.Csv)
            {
                _writer.WriteLine(string.Join(_dataset.Separator, _dataset.Schema.Fields.Select(f => Quote(values.GetValueOrDefault(f.Name) switch
                {
                    null => string.Empty,
                    string[] items => string.Join(_dataset.ArraySeparator, items),
                    var v => v.ToString() ?? string.Empty,
                }))));
                return;
            }

            var root = new JsonObject();
            foreach (FieldDefinition field in _dataset.Schema.Fields)
            {
                if (!values.TryGetValue(field.Name, out object? value))
                {
                    continue;
                }

                InlineRecords.SetAtPath(root, field.SourceName.Split('.'), value);
            }

            _writer.WriteLine(root.ToJsonString(Json));
        }

        public void Dispose() => _writer.Dispose();

        private string Quote(string text) =>
            text.Contains(_dataset.Separator, StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal) || text.Contains('\n', StringComparison.Ordinal)
                ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
                : text;
    }
}
