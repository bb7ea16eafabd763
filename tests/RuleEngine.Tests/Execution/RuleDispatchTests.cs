using System.Globalization;
using System.Text;
using RuleEngine.Clues;
using RuleEngine.Execution;
using RuleEngine.Execution.Dispatch;
using RuleEngine.Records;
using Record = RuleEngine.Records.Record;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

public class RuleDispatchTests
{
    [Fact]
    public async Task IndexedRuleSet_GivesExactlyTheCluesOfEachRuleRunAlone()
    {
        var random = new Random(17);
        string[] causes = ["民间借贷纠纷", "借款合同纠纷", "买卖合同纠纷", "盗窃罪"];
        var rules = new List<RuleDefinition>();
        for (int i = 0; i < 80; i++)
        {
            string cause = causes[random.Next(causes.Length)];
            string condition = (i % 8) switch
            {
                6 => $"cause = '{cause}' AND months = {random.Next(0, 8)} AND amount >= {random.Next(0, 20000)}",
                7 => $"months IN ({random.Next(0, 8)}, {random.Next(0, 8)}) AND cause IN ('{cause}', '{causes[random.Next(causes.Length)]}')",
                0 => $"cause = '{cause}' AND amount >= {random.Next(0, 20000)}",
                1 => $"cause IN ('{cause}', '{causes[random.Next(causes.Length)]}') AND months > {random.Next(0, 7)}",
                2 => $"months = {random.Next(0, 8)} AND default_judgment",
                3 => $"'{cause}' = cause AND (amount < 100 OR months IS NULL)",
                4 => $"amount % {random.Next(2, 9)} = 0",
                _ => $"cause = '{cause}' OR months = 3",
            };
            rules.Add(TestRules.Rule(condition, $"R{i:00}"));
        }

        // Every field is checked, so a record with a bad amount is rejected whether or not the rule run alone reads it.
        string csv = RuleSetRunTests.GeneratedCsv(3_000, seed: 23);
        var options = new RunOptions { CheckEveryField = true };
        List<Clue> together = (await TestRules.RunAsync(TestRules.Build([.. rules]), TestRules.Csv(csv), options)).Clues;
        var alone = new List<Clue>();
        foreach (RuleDefinition rule in rules)
        {
            alone.AddRange((await TestRules.RunAsync(TestRules.Build(rule), TestRules.Csv(csv), options)).Clues);
        }

        IEnumerable<string> Ordered(IEnumerable<Clue> clues) => clues.OrderBy(c => c.Line).ThenBy(c => c.RuleId, StringComparer.Ordinal).Select(JsonLinesClueSink.Format);
        Assert.True(together.Count > 1000);
        Assert.Equal(Ordered(alone), together.Select(JsonLinesClueSink.Format));
    }

    /// <summary>
    /// A dozen rules, where the index does not pay for its lookups, are evaluated 64 to a method; one of them divides
    /// by zero on some records. Every clue and every rule error (its line, rule and code) is the one each rule gives
    /// run alone, in the same order.
    /// </summary>
    [Fact]
    public async Task Rules_evaluated_together_give_the_clues_and_rule_errors_each_gives_alone()
    {
        var random = new Random(29);
        string[] causes = ["民间借贷纠纷", "借款合同纠纷", "买卖合同纠纷", "盗窃罪"];
        var rules = new List<RuleDefinition> { TestRules.Rule("cause = '盗窃罪' AND amount / (months - 6) > 3000", "DIVIDES") };
        for (int i = 0; i < 11; i++)
        {
            rules.Add(TestRules.Rule((i % 4) switch
            {
                0 => $"cause = '{causes[random.Next(causes.Length)]}' AND amount >= {random.Next(0, 20000)}",
                1 => $"months > {random.Next(0, 7)} OR default_judgment",
                2 => $"amount % {random.Next(2, 9)} = 0 AND NOT default_judgment",
                _ => $"cause <> '{causes[random.Next(causes.Length)]}' AND months IS NOT NULL",
            }, $"R{i:00}"));
        }

        // Every field is checked, so a record with a bad amount is rejected whether or not the rule run alone reads it.
        string csv = RuleSetRunTests.GeneratedCsv(2_000, seed: 31);
        var options = new RunOptions { CheckEveryField = true };
        RuleSet all = TestRules.Build([.. rules]);
        (List<Clue> clues, RunSummary summary) = await TestRules.RunAsync(all, TestRules.Csv(csv), options);
        CompiledDataset dataset = all.CompiledDatasets["judgments"];
        Assert.NotNull(dataset.EvaluatedTogether(dataset.Dispatch));

        var alone = new List<Clue>();
        var errors = new List<RecordRejection>();
        foreach (RuleDefinition rule in rules)
        {
            (List<Clue> own, RunSummary ownSummary) = await TestRules.RunAsync(TestRules.Build(rule), TestRules.Csv(csv), options);
            alone.AddRange(own);
            errors.AddRange(ownSummary.Rejections.Where(r => r.RuleId is not null));
        }

        IEnumerable<string> Ordered(IEnumerable<Clue> found) => found.OrderBy(c => c.Line).ThenBy(c => c.RuleId, StringComparer.Ordinal).Select(JsonLinesClueSink.Format);
        string Error(RecordRejection r) => $"{r.Line}:{r.RuleId}:{r.Code}";
        Assert.True(clues.Count > 1000 && errors.Count > 10, $"{clues.Count} clues, {errors.Count} errors");
        Assert.Equal(Ordered(alone), clues.Select(JsonLinesClueSink.Format));
        Assert.Equal(errors.OrderBy(r => r.Line).Select(Error), summary.Rejections.Where(r => r.RuleId is not null).Select(Error));
    }

    [Fact]
    public void A_rule_whose_OR_branches_each_pin_a_field_is_filed_under_every_branch_and_comes_once()
    {
        RuleSet rules = TestRules.Build([.. Enumerable.Range(0, 50).Select(i => TestRules.Rule(
            string.Create(CultureInfo.InvariantCulture, $"(cause = 'A{i}' AND amount > 0) OR months = {i} OR cause IN ('B{i}', 'C{i}')"), string.Create(CultureInfo.InvariantCulture, $"R{i:00}")))]);
        CompiledDataset dataset = rules.CompiledDatasets["judgments"];
        int[] buffer = new int[Math.Max(dataset.Rules.Length, dataset.Dispatch.Capacity)];

        int[] Candidates(string cause, long months)
        {
            Record record = dataset.Layout.CreateRecord();
            for (int f = 0; f < dataset.Schema.Fields.Count; f++)
            {
                RuleEngine.Schema.FieldDefinition field = dataset.Schema.Fields[f];
                string text = field.Name switch { "cause" => cause, "months" => months.ToString(CultureInfo.InvariantCulture), _ => string.Empty };
                Assert.Null(FieldValueParser.TryWrite(record, f, field, text, ';'));
            }

            return buffer[..dataset.Dispatch.Candidates(record, buffer)];
        }

        Assert.Empty(Candidates("none", 99));
        Assert.Equal([3, 5], Candidates("A3", 5));
        Assert.Equal([7], Candidates("C7", 7));
    }

    /// <summary>
    /// Rules of every shape an index can answer (equality and IN on text, integer, date and truth fields, bare truth
    /// fields and their NOT, ranges and BETWEEN on integers, decimals, doubles and dates, starts_with, LIKE 'p%',
    /// array_contains, ORs of them) and shapes it cannot: every rule a record makes TRUE must be among its candidates,
    /// once, in rule order — with keys guessed and with keys measured on a sample.
    /// </summary>
    /// <summary>Rule sets of more than 1,024 rules keep their index entries' bitsets sparse (<see cref="EntryRows"/>); smaller ones dense.</summary>
    [Theory]
    [InlineData(false, 300)]
    [InlineData(true, 300)]
    [InlineData(true, 1100)]
    public void RulesOfEveryShape_EveryRuleARecordMakesTrue_IsAmongItsCandidates(bool measured, int ruleCount)
    {
        var random = new Random(measured ? 41 : 43);
        RuleSet rules = TestRules.Build([.. Enumerable.Range(0, ruleCount).Select(i => TestRules.Rule(RandomCondition(random), string.Create(CultureInfo.InvariantCulture, $"R{i:000}")))]);
        CompiledDataset dataset = rules.CompiledDatasets["judgments"];
        Record[] records = [.. Enumerable.Range(0, 3000).Select(_ => RandomRecord(dataset, random))];
        RuleDispatch dispatch = measured ? dataset.TuneDispatch(records[..CompiledDataset.MinimumSample]) : dataset.Dispatch;
        Assert.Equal(measured, dispatch.Measured);
        Assert.True(dispatch.Unfiled < ruleCount / 10, $"{dispatch.Unfiled} of {ruleCount} rules unfiled");

        int[] buffer = new int[Math.Max(dataset.Rules.Length, dispatch.Capacity)];
        long candidates = 0;
        int matches = 0;
        foreach (Record record in records)
        {
            int count = dispatch.Candidates(record, buffer);
            candidates += count;
            Assert.True(buffer.AsSpan(0, count).SequenceEqual(buffer[..count].Distinct().Order().ToArray()), "candidates in rule order, each once");
            for (int r = 0; r < dataset.Rules.Length; r++)
            {
                if (dataset.Rules[r].Predicate(record))
                {
                    matches++;
                    Assert.True(Array.IndexOf(buffer, r, 0, count) >= 0, $"{dataset.Rules[r].Definition.Condition} is TRUE but not a candidate");
                }
            }
        }

        Assert.True(matches > 1000, $"only {matches} matches");

        // These rules are broad (a record makes 60 of them TRUE): the dispatch should offer little more than that.
        Assert.True(candidates < matches * 3 / 2, $"{candidates / (double)records.Length:F1} candidates for {matches / (double)records.Length:F1} matches per record");
    }

    /// <summary>
    /// A rule whose tests cannot all hold — a range whose bounds cross, two equalities on one field with no value in
    /// common, a value both required and excluded — is never a candidate, measured or not, however the rest of it
    /// would be filed; the rules beside it keep their matches.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_rule_no_record_can_make_true_is_never_a_candidate(bool measured)
    {
        string[] impossible =
        [
            "amount >= 5000 AND cause = '盗窃罪' AND amount < 1000",
            "cause = '盗窃罪' AND cause = '民间借贷纠纷'",
            "cause IN ('盗窃罪', '危险驾驶罪') AND months > 2 AND cause IN ('民间借贷纠纷', '借款合同纠纷')",
            "cause = '盗窃罪' AND cause <> '盗窃罪'",
            "months IN (1, 2) AND default_judgment AND months NOT IN (2, 1)",
            "filing_date >= DATE '2023-06-01' AND filing_date < DATE '2023-06-01'",
        ];
        var random = new Random(measured ? 51 : 53);
        RuleSet rules = TestRules.Build([
            .. impossible.Select((c, i) => TestRules.Rule(c, string.Create(CultureInfo.InvariantCulture, $"X{i}"))),
            .. Enumerable.Range(0, 60).Select(i => TestRules.Rule(RandomCondition(random), string.Create(CultureInfo.InvariantCulture, $"R{i:00}")))]);
        CompiledDataset dataset = rules.CompiledDatasets["judgments"];
        Record[] records = [.. Enumerable.Range(0, 2000).Select(_ => RandomRecord(dataset, random))];
        RuleDispatch dispatch = measured ? dataset.TuneDispatch(records[..CompiledDataset.MinimumSample]) : dataset.Dispatch;
        int[] buffer = new int[dataset.Rules.Length];
        int matches = 0;
        foreach (Record record in records)
        {
            int count = dispatch.Candidates(record, buffer);
            Assert.DoesNotContain(buffer.Take(count), r => r < impossible.Length);
            for (int r = 0; r < dataset.Rules.Length; r++)
            {
                bool holds = dataset.Rules[r].Predicate(record);
                Assert.False(holds && r < impossible.Length, $"{dataset.Rules[r].Definition.Condition} is TRUE");
                Assert.True(!holds || Array.IndexOf(buffer, r, 0, count) >= 0, $"{dataset.Rules[r].Definition.Condition} is TRUE but not a candidate");
                matches += holds ? 1 : 0;
            }
        }

        Assert.True(matches > 1000, $"only {matches} matches");
        Assert.DoesNotContain(dispatch.Indexes.SelectMany(i => i.FiledRules), r => r < impossible.Length);
    }

    /// <summary>
    /// <c>NOT IN</c> and <c>&lt;&gt;</c> cannot file a rule (they pass most values) but they filter: a rule of a month
    /// and a cause outside four of five is a candidate about as often as it matches, not on every record of its month.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Excluding_tests_filter_a_rule_out_where_the_record_holds_an_excluded_value(bool measured)
    {
        RuleSet rules = TestRules.Build([.. Enumerable.Range(0, 120).Select(i => TestRules.Rule(string.Create(CultureInfo.InvariantCulture,
            $"months = {i % 12} AND cause NOT IN ({string.Join(", ", Causes.Where((_, c) => c != i % Causes.Length).Select(c => $"'{c}'"))})"), string.Create(CultureInfo.InvariantCulture, $"R{i:000}")))]);
        CompiledDataset dataset = rules.CompiledDatasets["judgments"];
        var random = new Random(13);
        Record[] records = [.. Enumerable.Range(0, 3000).Select(_ => RandomRecord(dataset, random))];
        RuleDispatch dispatch = measured ? dataset.TuneDispatch(records[..CompiledDataset.MinimumSample]) : dataset.Dispatch;
        (long candidates, long matches) = CandidatesAndMatches(dataset, dispatch, records);

        int cause = dataset.Schema.Fields.ToList().FindIndex(f => f.Name == "cause");
        Assert.Contains(dispatch.Indexes, i => i.Field == cause && i.Filters);
        Assert.True(matches > 1000, $"only {matches} matches");
        Assert.True(candidates < matches * 3 / 2, $"{candidates / (double)records.Length:F2} candidates for {matches / (double)records.Length:F2} matches per record");
    }

    [Fact]
    public void KeysMeasuredOnASample_FileEachRuleUnderTheTestFewerRecordsPass()
    {
        // A guess takes the range (a third of the records) over the month (one of the two values the rules name, or neither);
        // in this data every amount is in the range and a month is one of thirteen.
        RuleSet rules = TestRules.Build([.. Enumerable.Range(0, 20).Select(i => TestRules.Rule(
            string.Create(CultureInfo.InvariantCulture, $"amount < 1000000 AND months = {i % 2}"), string.Create(CultureInfo.InvariantCulture, $"R{i:00}")))]);
        CompiledDataset dataset = rules.CompiledDatasets["judgments"];
        var random = new Random(5);
        Record[] records = [.. Enumerable.Range(0, 1000).Select(_ => RandomRecord(dataset, random))];
        int months = dataset.Schema.Fields.ToList().FindIndex(f => f.Name == "months");
        int amount = dataset.Schema.Fields.ToList().FindIndex(f => f.Name == "amount");
        IEnumerable<int> FiledUnder(RuleDispatch dispatch, int field) => dispatch.Indexes.Where(i => i.Field == field).SelectMany(i => i.FiledRules);

        RuleDispatch guessed = dataset.Dispatch;
        RuleDispatch measured = dataset.TuneDispatch(records[..CompiledDataset.MinimumSample]);
        Assert.Equal(Enumerable.Range(0, 20), FiledUnder(guessed, amount));
        Assert.Equal(Enumerable.Range(0, 20), FiledUnder(measured, months));
        Assert.Empty(FiledUnder(measured, amount));
        int[] buffer = new int[dataset.Rules.Length];
        double perRecord = records.Sum(r => measured.Candidates(r, buffer)) / (double)records.Length;
        Assert.True(perRecord < 3, $"measured keys give {perRecord:F1} candidates per record");
        Assert.Same(measured, dataset.TuneDispatch(records[..CompiledDataset.MinimumSample]));
    }

    /// <summary>
    /// A run that starts on unrepresentative records (here every sampled case has 7 months, so `months = 0` looks
    /// rarer than anything) files rules under the test the sample misjudges; a field whose statistics the schema
    /// declares is judged by the declaration instead, and the rules go under the test that is rare in the data.
    /// </summary>
    [Fact]
    public void Declared_statistics_of_a_field_outweigh_a_sample_that_misrepresents_it()
    {
        RuleDefinition[] definitions = [.. Enumerable.Range(0, 20).Select(i => TestRules.Rule(
            string.Create(CultureInfo.InvariantCulture, $"cause = '{Causes[i % 5]}' AND months = {i % 2}"), string.Create(CultureInfo.InvariantCulture, $"R{i:00}")))];
        CompiledDataset plain = TestRules.Build(definitions).CompiledDatasets["judgments"];
        CompiledDataset declared = TestRules.Build(
            JudgmentsDeclaring("months", new RuleEngine.Schema.FieldStatistics { Distinct = 13, Common = new Dictionary<string, double> { ["0"] = 0.45, ["1"] = 0.45 } }),
            definitions).CompiledDatasets["judgments"];
        int months = plain.Schema.Fields.ToList().FindIndex(f => f.Name == "months");
        int cause = plain.Schema.Fields.ToList().FindIndex(f => f.Name == "cause");
        Record[] Records(CompiledDataset dataset, int count, Func<Random, int> month)
        {
            var random = new Random(9);
            return [.. Enumerable.Range(0, count).Select(_ =>
            {
                Record record = RandomRecord(dataset, random);
                Assert.Null(FieldValueParser.TryWrite(record, months, dataset.Schema.Fields[months], month(random).ToString(CultureInfo.InvariantCulture), ';'));
                return record;
            })];
        }

        IEnumerable<int> FiledUnder(RuleDispatch dispatch, int field) => dispatch.Indexes.Where(i => i.Field == field).SelectMany(i => i.FiledRules);
        RuleDispatch misled = plain.TuneDispatch(Records(plain, CompiledDataset.MinimumSample, _ => 7));
        RuleDispatch steered = declared.TuneDispatch(Records(declared, CompiledDataset.MinimumSample, _ => 7));
        Assert.Equal(Enumerable.Range(0, 20), FiledUnder(misled, months));
        Assert.Equal(Enumerable.Range(0, 20), FiledUnder(steered, cause));
        Assert.Empty(FiledUnder(steered, months));

        // Either way, every rule a representative record makes TRUE is among its candidates.
        int[] buffer = new int[20];
        foreach ((CompiledDataset dataset, RuleDispatch dispatch) in new[] { (plain, misled), (declared, steered) })
        {
            foreach (Record record in Records(dataset, 2000, random => random.Next(10) switch { < 4 => 0, < 8 => 1, _ => random.Next(2, 13) }))
            {
                int count = dispatch.Candidates(record, buffer);
                Assert.All(Enumerable.Range(0, 20).Where(r => dataset.Rules[r].Predicate(record)), r => Assert.Contains(r, buffer[..count]));
            }
        }
    }

    /// <summary>
    /// Declared bounds spread an amount's values evenly between consecutive bounds: where most amounts lie below
    /// 200, `amount >= 50000` is rarer than a cause among three of five, and the rules go under the amount; where
    /// two thirds lie above 50,000, under the cause. No sample is needed.
    /// </summary>
    [Theory]
    [InlineData("0,100,200,60000", "amount")]
    [InlineData("0,50000,60000,70000", "cause")]
    public void Declared_bounds_make_a_range_as_rare_as_the_share_of_values_they_put_in_it(string bounds, string filedUnder)
    {
        CompiledDataset dataset = TestRules.Build(
            JudgmentsDeclaring("amount", new RuleEngine.Schema.FieldStatistics { Bounds = bounds.Split(',') }),
            [.. Enumerable.Range(0, 10).Select(i => TestRules.Rule($"amount >= 50000 AND cause IN ('{Causes[i % 5]}', '{Causes[(i + 1) % 5]}', '{Causes[(i + 2) % 5]}')", $"R{i}"))]).CompiledDatasets["judgments"];
        int field = dataset.Schema.Fields.ToList().FindIndex(f => f.Name == filedUnder);
        Assert.Equal(Enumerable.Range(0, 10), dataset.Dispatch.Indexes.Where(i => i.Field == field).SelectMany(i => i.FiledRules));
    }

    private static RuleEngine.Schema.DatasetSchema JudgmentsDeclaring(string name, RuleEngine.Schema.FieldStatistics statistics)
    {
        var builder = RuleEngine.Schema.DatasetSchema.Create("judgments").Key("plaintiff_id");
        foreach (RuleEngine.Schema.FieldDefinition field in TestRules.Judgments.Fields)
        {
            builder.Add(field.Name != name ? field : field with { Statistics = statistics });
        }

        return builder.Build();
    }

    /// <summary>
    /// Many rules of three tests on three fields, each passed by a third to a half of the records: filed under one
    /// test, a rule would be a candidate for a third of them; filtered by the other two, about as rarely as all three pass.
    /// </summary>
    [Theory]
    [InlineData(false, 200)]
    [InlineData(true, 200)]
    [InlineData(true, 1100)]
    public void A_rule_of_several_selective_tests_is_a_candidate_about_as_often_as_all_of_them_pass(bool measured, int ruleCount)
    {
        var random = new Random(11);
        RuleSet rules = TestRules.Build([.. Enumerable.Range(0, ruleCount).Select(i => TestRules.Rule(string.Create(CultureInfo.InvariantCulture,
            $"cause IN ('{Causes[i % 5]}', '{Causes[(i + 1) % 5]}') AND months {(i % 2 == 0 ? "<" : ">=")} {4 + (i % 5)} AND amount >= {random.Next(8000, 16000)}"), string.Create(CultureInfo.InvariantCulture, $"R{i:00}")))]);
        CompiledDataset dataset = rules.CompiledDatasets["judgments"];
        Record[] records = [.. Enumerable.Range(0, 3000).Select(_ => RandomRecord(dataset, random))];
        RuleDispatch dispatch = measured ? dataset.TuneDispatch(records[..CompiledDataset.MinimumSample]) : dataset.Dispatch;
        (long candidates, long matches) = CandidatesAndMatches(dataset, dispatch, records);

        Assert.True(dispatch.Indexes.Count(i => i.Filters) >= 2, string.Join(" | ", dispatch.Indexes.Select(i => $"{i.GetType().Name} f{i.Field} filters {i.Filters} filed {string.Join(",", i.FiledRules)}")) + $" unfiled {dispatch.Unfiled} {candidates / (double)records.Length:F2} candidates for {matches / (double)records.Length:F2}");
        Assert.True(matches > 3000, $"only {matches} matches");
        Assert.True(candidates < matches * 2, $"{candidates / (double)records.Length:F2} candidates for {matches / (double)records.Length:F2} matches per record");
    }

    /// <summary>
    /// Bounds of a few decimal places are searched as scaled integers: values of the same or fewer places (trailing
    /// zeros, negative zero, the sign) land where exact comparison puts them, and values of more places or beyond what
    /// scales into 64 bits still do, by the exact search.
    /// </summary>
    [Fact]
    public void A_decimal_range_index_over_money_bounds_places_every_value_where_exact_comparison_does()
    {
        var random = new Random(8);
        decimal[] bounds = [.. new[] { 0m, 1000m, 1000.5m, 1000.05m, -250.25m, 922337203685477.5807m, -922337203685477.5807m }
            .Concat(Enumerable.Range(0, 60).Select(_ => Math.Round((decimal)(random.NextDouble() * 40000) - 20000, random.Next(0, 3))))
            .Distinct().Order()];
        var index = new DecimalRangeIndex(0, 0, bounds, EntryRows.OneEntry(1, null, Enumerable.Range(0, (2 * bounds.Length) + 1).Select(_ => (new RuleMask([]), (ulong[]?)null))));
        decimal[] values =
        [
            .. bounds,
            .. bounds.Select(b => b * 1.000m),
            .. bounds.Select(b => b + 0.0001m),
            .. bounds.Select(b => b - 0.00001m),
            -0m, 0.0000m, 1000.50m, 922337203685477.5808m, -922337203685477.5808m, 922337203685478m, decimal.MaxValue, decimal.MinValue, 0.0000000000000000000000000001m,
            .. Enumerable.Range(0, 3000).Select(_ => Math.Round((decimal)(random.NextDouble() * 50000) - 25000, random.Next(0, 7))),
        ];

        foreach (decimal value in values)
        {
            Assert.Equal(RangeIndex<decimal>.Piece(bounds, value), index.PieceOf(value));
        }
    }

    /// <summary>Date and integer ranges search without branching; every value lands where a comparing search puts it.</summary>
    [Fact]
    public void Integer_and_double_range_searches_place_every_value_where_comparison_does()
    {
        var random = new Random(9);
        foreach (int count in new[] { 0, 1, 2, 3, 7, 64, 65 })
        {
            long[] longs = [.. Enumerable.Range(0, count).Select(_ => (long)random.Next(-1000, 1000)).Append(long.MaxValue).Append(long.MinValue).Distinct().Order().Take(count)];
            double[] doubles = [.. longs.Select(l => l / 3.0)];
            foreach (long value in Enumerable.Range(0, 500).Select(_ => (long)random.Next(-1100, 1100)).Concat(longs).Append(long.MaxValue).Append(long.MinValue))
            {
                int expected = Enumerable.Range(0, longs.Length).FirstOrDefault(i => longs[i] >= value, longs.Length);
                Assert.Equal(expected < longs.Length && longs[expected] == value ? (2 * expected) + 1 : 2 * expected, RangeIndex<long>.Piece(longs, value));
                double fraction = value / 3.0;
                int expectedDouble = Enumerable.Range(0, doubles.Length).FirstOrDefault(i => doubles[i] >= fraction, doubles.Length);
                Assert.Equal(expectedDouble < doubles.Length && doubles[expectedDouble] == fraction ? (2 * expectedDouble) + 1 : 2 * expectedDouble, RangeIndex<double>.Piece(doubles, fraction));
            }

            Assert.Equal(0, RangeIndex<double>.Piece(doubles, double.NaN));
        }
    }

    [Fact]
    public void A_decimal_range_index_places_every_value_in_the_piece_exact_comparison_gives_even_where_doubles_cannot_tell_bounds_apart()
    {
        // Bounds 1e-28 apart are one double; amounts of every scale, on and between the bounds.
        var random = new Random(7);
        decimal tiny = 0.0000000000000000000000000001m;
        decimal[] bounds = [.. new[] { 1m, 1m + tiny, 1m + (2 * tiny), 1000.5m, 1000.50000000000001m, -3m, 0m, 79228162514264337593543950335m, -79228162514264337593543950335m }
            .Concat(Enumerable.Range(0, 40).Select(_ => Math.Round((decimal)(random.NextDouble() * 20000) - 10000, random.Next(0, 6))))
            .Distinct().Order()];
        var index = new DecimalRangeIndex(0, 0, bounds, EntryRows.OneEntry(1, null, Enumerable.Range(0, (2 * bounds.Length) + 1).Select(_ => (new RuleMask([]), (ulong[]?)null))));
        decimal[] values =
        [
            .. bounds,
            .. bounds.Where(b => b < decimal.MaxValue).Select(b => b + tiny),
            .. bounds.Where(b => b > decimal.MinValue).Select(b => b - tiny),
            .. Enumerable.Range(0, 2000).Select(_ => Math.Round((decimal)(random.NextDouble() * 24000) - 12000, random.Next(0, 10))),
        ];

        foreach (decimal value in values)
        {
            Assert.Equal(RangeIndex<decimal>.Piece(bounds, value), index.PieceOf(value));
        }
    }

    /// <summary>How many candidates the dispatch gives the records, and how many rules they make TRUE; each rule a record makes TRUE must be among its candidates.</summary>
    private static (long Candidates, long Matches) CandidatesAndMatches(CompiledDataset dataset, RuleDispatch dispatch, Record[] records)
    {
        int[] buffer = new int[dataset.Rules.Length];
        long candidates = 0;
        long matches = 0;
        foreach (Record record in records)
        {
            int count = dispatch.Candidates(record, buffer);
            candidates += count;
            for (int r = 0; r < dataset.Rules.Length; r++)
            {
                bool holds = dataset.Rules[r].Predicate(record);
                matches += holds ? 1 : 0;
                Assert.True(!holds || Array.IndexOf(buffer, r, 0, count) >= 0, $"{dataset.Rules[r].Definition.Condition} is TRUE but not a candidate");
            }
        }

        return (candidates, matches);
    }

    private static readonly string[] Causes = ["民间借贷纠纷", "借款合同纠纷", "买卖合同纠纷", "盗窃罪", "危险驾驶罪"];

    private static string RandomCondition(Random random)
    {
        string Leaf() => random.Next(18) switch
        {
            0 => $"cause = '{Causes[random.Next(Causes.Length)]}'",
            1 => $"cause IN ('{Causes[random.Next(Causes.Length)]}', '{Causes[random.Next(Causes.Length)]}')",
            2 => $"months = {random.Next(0, 12)}",
            3 => $"months {(random.Next(2) == 0 ? ">" : "<=")} {random.Next(0, 12)}",
            4 => $"amount >= {random.Next(0, 20000)}",
            5 => $"amount BETWEEN {random.Next(0, 10000)} AND {random.Next(5000, 20000)}.5",
            6 => $"{random.Next(0, 20000)} > amount",
            7 => $"bac > {random.Next(0, 200) / 100.0:0.00}",
            8 => $"filing_date {(random.Next(2) == 0 ? ">=" : "<")} DATE '2023-{random.Next(1, 13):00}-01'",
            9 => $"filing_date = DATE '2023-01-{random.Next(1, 4):00}'",
            10 => random.Next(2) == 0 ? "default_judgment" : "NOT default_judgment",
            11 => $"starts_with(case_no, '({2020 + random.Next(4)})')",
            12 => $"plaintiff_name LIKE '{"张李王"[random.Next(3)]}%'",
            13 => $"array_contains(defendants, 'D{random.Next(6)}')",
            14 => $"default_judgment = {(random.Next(2) == 0 ? "TRUE" : "FALSE")}",
            15 => $"cause NOT IN ('{Causes[random.Next(Causes.Length)]}', '{Causes[random.Next(Causes.Length)]}', '{Causes[random.Next(Causes.Length)]}')",
            16 => $"months <> {random.Next(0, 12)}",
            _ => $"cause <> '{Causes[random.Next(Causes.Length)]}'",
        };
        string Part() => random.Next(5) == 0 ? $"({Leaf()} OR {Leaf()})" : Leaf();
        return string.Join(" AND ", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Part()));
    }

    private static Record RandomRecord(CompiledDataset dataset, Random random)
    {
        Record record = dataset.Layout.CreateRecord();
        for (int f = 0; f < dataset.Schema.Fields.Count; f++)
        {
            RuleEngine.Schema.FieldDefinition field = dataset.Schema.Fields[f];
            string text = random.Next(12) == 0 ? string.Empty : field.Name switch
            {
                "case_no" => $"({2020 + random.Next(5)})浙0106民初{random.Next(1, 9999)}号",
                "cause" => Causes[random.Next(Causes.Length)],
                "plaintiff_name" => "张李王赵"[random.Next(4)] + "某",
                "amount" => (random.Next(0, 2_000_000) / 100m).ToString(CultureInfo.InvariantCulture),
                "bac" => (random.Next(0, 250) / 100.0).ToString(CultureInfo.InvariantCulture),
                "months" => random.Next(0, 13).ToString(CultureInfo.InvariantCulture),
                "default_judgment" => random.Next(2) == 0 ? "true" : "false",
                "filing_date" => new DateOnly(2023, 1, 1).AddDays(random.Next(0, 380)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                "defendants" => string.Join(';', Enumerable.Range(0, random.Next(0, 4)).Select(_ => "D" + random.Next(8))),
                _ => string.Empty,
            };
            Assert.Null(FieldValueParser.TryWrite(record, f, field, text, ';'));
        }

        return record;
    }
}
