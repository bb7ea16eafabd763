using RuleEngine.Diagnostics;
using RuleEngine.Schema;
using RuleEngine.Yaml.Reading;

namespace RuleEngine.Yaml.Binding;

/// <summary>Reads a model file (<c>id:</c> at the top) into a <see cref="SupervisionModel"/>.</summary>
internal sealed class ModelReader
{
    internal static readonly string[] Keys =
    [
        "id", "version", "name", "status", "branch", "supervision_point", "legal_basis", "owner_org", "region", "authors",
        "description", "datasets", "parameters", "rules", "from", "when", "clue", "tests",
    ];

    internal static readonly string[] RuleKeys = ["id", "from", "when", "clue", "description"];
    internal static readonly string[] ClueKeys = ["title", "subject", "evidence", "severity", "action"];
    internal static readonly string[] ParameterKeys = ["type", "default", "justification", "description", "regions"];
    internal static readonly string[] LegalBasisKeys = ["law", "article", "text"];
    private static readonly string[] FromKeys = ["dataset", "as"];
    internal static readonly string[] TestKeys = ["name", "region", "parameters", "records", "expect"];
    internal static readonly string[] ExpectKeys = ["rule", "subject", "evidence"];

    private readonly YamlFile _file;
    private readonly DiagnosticList _diagnostics;
    private readonly LineIndex _lines;

    private ModelReader(YamlFile file, DiagnosticList diagnostics)
    {
        _file = file;
        _diagnostics = diagnostics;
        _lines = new LineIndex(file.Text);
    }

    public static SupervisionModel Read(YamlFile file, YamlMapping root, DiagnosticList diagnostics) =>
        new ModelReader(file, diagnostics).ReadModel(root);

    private SupervisionModel ReadModel(YamlMapping root)
    {
        var model = new MappingReader(root, Keys, _diagnostics, "model");
        string? id = model.Text("id", required: true);
        string? version = model.Text("version", required: true);
        string? name = model.Text("name", required: true);
        string? status = model.Text("status");
        string? branch = model.Text("branch");
        string? region = model.Text("region");
        new ModelHeaderValidator().Check(new ModelHeader(id, version, name, status, branch, region, k => model.LocationOf(k)), _diagnostics);

        var invalidParameters = new List<string>();
        List<ModelParameter> parameters = ReadParameters(model.Mapping("parameters"), invalidParameters);
        var defaults = parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
        foreach (string invalidName in invalidParameters)
        {
            // Already reported; binding it as NULL keeps every use of it from being reported again as unknown.
            defaults.TryAdd(invalidName, null);
        }

        List<RuleDefinition> rules = ReadRules(model, id ?? "?", version ?? "?", defaults);
        var model1 = new SupervisionModel
        {
            Id = id ?? "?",
            Version = version ?? "?",
            Name = name ?? "?",
            Status = status switch
            {
                "review" => ModelStatus.Review,
                "listed" => ModelStatus.Listed,
                "retired" => ModelStatus.Retired,
                _ => ModelStatus.Draft,
            },
            Branch = branch,
            SupervisionPoint = model.Text("supervision_point"),
            LegalBasis = ReadLegalBasis(model),
            OwnerOrg = model.Text("owner_org"),
            Region = region,
            Authors = model.TextList("authors"),
            Description = model.Text("description"),
            Parameters = parameters,
            Rules = rules,
            Tests = ReadTests(model.Sequence("tests")),
            Path = _file.Path,
            Location = model.LocationOf("id"),
        };
        model.TextList("datasets");
        model.Finish();
        return model1;
    }

    private List<LegalBasis> ReadLegalBasis(MappingReader model)
    {
        var result = new List<LegalBasis>();
        foreach (YamlNode item in model.Sequence("legal_basis")?.Items ?? [])
        {
            if (item is not YamlMapping mapping)
            {
                model.WrongType(item, "a legal basis", "a mapping with law, article and text");
                continue;
            }

            var basis = new MappingReader(mapping, LegalBasisKeys, _diagnostics, "legal basis");
            string? law = basis.Text("law", required: true);
            result.Add(new LegalBasis(law ?? string.Empty, basis.Text("article"), basis.Text("text")));
            basis.Finish();
        }

        return result;
    }

    private List<ModelParameter> ReadParameters(YamlMapping? mapping, List<string> invalid)
    {
        var result = new List<ModelParameter>();
        foreach ((YamlScalar key, YamlNode value) in mapping?.Entries ?? [])
        {
            if (value is not YamlMapping declaration)
            {
                _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"Parameter '{key.Value}' should be a mapping with type, default and justification, not {value.Kind}.", value.Location);
                invalid.Add(key.Value);
                continue;
            }

            var parameter = new MappingReader(declaration, ParameterKeys, _diagnostics, $"parameter '{key.Value}'");
            string? type = parameter.Text("type", required: true);
            string? justification = parameter.Text("justification");
            int before = _diagnostics.Items.Count;
            new ParameterHeaderValidator().Check(new ParameterHeader(key.Value, type, justification, k => k == "name" ? key.Location : parameter.Has(k) ? parameter.LocationOf(k) : parameter.Location), _diagnostics);
            string? description = parameter.Text("description");
            if (_diagnostics.Items.Count > before || type is null)
            {
                parameter.Finish();
                invalid.Add(key.Value);
                continue;
            }

            bool isList = type.EndsWith("[]", StringComparison.Ordinal);
            FieldType element = DatasetReader.ParseFieldType(isList ? type[..^2] : type);
            object? defaultValue = null;
            if (parameter.Node("default") is { } defaultNode)
            {
                defaultValue = ParameterValue(defaultNode, element, isList, $"The default of '{key.Value}'");
            }
            else
            {
                parameter.Missing("default");
            }

            var regional = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach ((YamlScalar code, YamlNode regionalValue) in parameter.Mapping("regions")?.Entries ?? [])
            {
                if (!Vocabulary.IsDivisionCode(code.Value))
                {
                    _diagnostics.Error(ModelDiagnosticIds.InvalidValue, $"Region '{code.Value}' is not a 6-digit division code.", code.Location, "Write the code in quotes, such as \"330000\".");
                    continue;
                }

                regional[code.Value] = ParameterValue(regionalValue, element, isList, $"The value of '{key.Value}' for region {code.Value}");
            }

            parameter.Finish();
            result.Add(new ModelParameter
            {
                Name = key.Value,
                Type = element,
                IsList = isList,
                Default = defaultValue,
                Justification = justification!,
                Description = description,
                RegionalValues = regional,
                Location = key.Location,
            });
        }

        return result;
    }

    internal object? ParameterValue(YamlNode node, FieldType element, bool isList, string what)
    {
        if (!isList)
        {
            return ScalarValues.TryValue(node, element, what, _diagnostics, out object? value) ? value : null;
        }

        if (node is not YamlSequence sequence)
        {
            _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"{what} should be a list, not {node.Kind}.", node.Location, "Write [a, b] or one '- item' per line.");
            return null;
        }

        var items = new List<object?>();
        foreach (YamlNode item in sequence.Items)
        {
            if (ScalarValues.TryValue(item, element, $"An item of {what.ToLowerInvariant()}", _diagnostics, out object? value))
            {
                items.Add(value);
            }
        }

        return items.ToArray();
    }

    private List<RuleDefinition> ReadRules(MappingReader model, string modelId, string version, Dictionary<string, object?> defaults)
    {
        var result = new List<RuleDefinition>();
        bool single = model.Has("when") || model.Has("from") || model.Has("clue");
        YamlSequence? rules = model.Sequence("rules");
        if (single && rules is not null)
        {
            _diagnostics.Error(ModelDiagnosticIds.InvalidValue, "A model has either 'rules:' or one rule's 'from:', 'when:' and 'clue:', not both.", model.KeyLocationOf("rules"), "Move 'when:' into an item of 'rules:'.");
            return result;
        }

        if (single)
        {
            RuleDefinition? rule = ReadRule(model, modelId, modelId, version, defaults);
            if (rule is not null)
            {
                result.Add(rule);
            }

            return result;
        }

        if (rules is null)
        {
            model.Missing("rules");
            return result;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (YamlNode item in rules.Items)
        {
            if (item is not YamlMapping mapping)
            {
                model.WrongType(item, "a rule", "a mapping with id, from, when and clue");
                continue;
            }

            var rule = new MappingReader(mapping, RuleKeys, _diagnostics, "rule");
            string? ruleId = rule.Text("id", required: true);
            if (ruleId is not null)
            {
                new RuleHeaderValidator().Check(new RuleHeader(ruleId, k => rule.LocationOf(k)), _diagnostics);
            }

            if (ruleId is not null && !ids.Add(ruleId))
            {
                _diagnostics.Error(ModelDiagnosticIds.DuplicateId, $"Rule id '{ruleId}' is used twice in model '{modelId}'.", rule.LocationOf("id"));
                rule.Finish();
                continue;
            }

            RuleDefinition? definition = ReadRule(rule, modelId, $"{modelId}.{ruleId}", version, defaults);
            rule.Text("description");
            rule.Finish();
            if (definition is not null && ruleId is not null)
            {
                result.Add(definition);
            }
        }

        return result;
    }

    private RuleDefinition? ReadRule(MappingReader rule, string modelId, string ruleId, string version, Dictionary<string, object?> defaults)
    {
        (string? dataset, string? alias, SourceLocation fromLocation) = ReadFrom(rule);
        (string condition, SourceMap map)? when = ReadWhen(rule);
        ClueSpec clue = ReadClue(rule.Mapping("clue"));
        if (dataset is null || when is null)
        {
            return null;
        }

        return new RuleDefinition(ruleId, dataset, when.Value.condition)
        {
            ModelId = modelId,
            Version = version,
            Alias = alias,
            Clue = clue,
            Parameters = defaults,
            ConditionSource = when.Value.map,
            Location = fromLocation,
        };
    }

    private (string? Dataset, string? Alias, SourceLocation Location) ReadFrom(MappingReader rule)
    {
        switch (rule.Node("from"))
        {
            case null:
                rule.Missing("from");
                return (null, null, rule.Location);
            case YamlScalar scalar:
                return (scalar.Value, null, scalar.Location);
            case YamlMapping mapping:
                var from = new MappingReader(mapping, FromKeys, _diagnostics, "'from'");
                string? dataset = from.Text("dataset", required: true);
                string? alias = from.Text("as");
                from.Finish();
                return (dataset, alias, from.LocationOf("dataset"));
            case { } other:
                rule.WrongType(other, "'from'", "a dataset name, or a mapping with dataset and as");
                return (null, null, other.Location);
        }
    }

    /// <summary>The condition: one scalar, or a list of scalars joined by AND; each character mapped to its place in the file.</summary>
    private (string Condition, SourceMap Map)? ReadWhen(MappingReader rule)
    {
        YamlNode? node = rule.Node("when");
        List<YamlScalar> parts;
        switch (node)
        {
            case null:
                rule.Missing("when");
                return null;
            case YamlScalar scalar:
                parts = [scalar];
                break;
            case YamlSequence sequence when sequence.Items.All(i => i is YamlScalar):
                parts = [.. sequence.Items.Cast<YamlScalar>()];
                break;
            default:
                rule.WrongType(node, "'when'", "a condition, or a list of conditions joined by AND");
                return null;
        }

        if (parts.Count == 0 || parts.All(p => p.IsNull))
        {
            _diagnostics.Error(Diagnostics.DiagnosticIds.EmptyExpression, "The condition is empty.", node.Location, "Write a condition such as: amount >= 50000");
            return null;
        }

        if (parts.Count == 1)
        {
            return (parts[0].Value, SourceMap.FromPositions(_file.Path, ScalarPositions.Map(_file.Text, _lines, parts[0])));
        }

        var text = new System.Text.StringBuilder();
        var positions = new List<(int Line, int Column)>();
        (int Line, int Column) lastEnd = default;
        for (int i = 0; i < parts.Count; i++)
        {
            (int Line, int Column)[] map = ScalarPositions.Map(_file.Text, _lines, parts[i]);
            string joint = i == 0 ? "(" : ") AND (";
            text.Append(joint).Append(parts[i].Value);
            positions.AddRange(Enumerable.Repeat(map[0], joint.Length));
            positions.AddRange(map[..^1]);
            lastEnd = map[^1];
        }

        text.Append(')');
        positions.Add(lastEnd);
        positions.Add(lastEnd);
        return (text.ToString(), SourceMap.FromPositions(_file.Path, positions));
    }

    private ClueSpec ReadClue(YamlMapping? mapping)
    {
        if (mapping is null)
        {
            return new ClueSpec();
        }

        var clue = new MappingReader(mapping, ClueKeys, _diagnostics, "clue");
        new ClueHeaderValidator().Check(new ClueHeader(clue.Text("severity"), k => clue.LocationOf(k)), _diagnostics);
        var spec = new ClueSpec
        {
            Title = clue.Text("title"),
            SubjectKey = clue.TextList("subject"),
            Evidence = clue.TextList("evidence"),
            Severity = clue.Text("severity") switch
            {
                "high" => ClueSeverity.High,
                "low" => ClueSeverity.Low,
                _ => ClueSeverity.Medium,
            },
            Action = clue.Text("action"),
            Location = mapping.Location,
        };
        clue.Finish();
        return spec;
    }

    private List<ModelTest> ReadTests(YamlSequence? sequence)
    {
        var result = new List<ModelTest>();
        foreach (YamlNode item in sequence?.Items ?? [])
        {
            if (item is not YamlMapping mapping)
            {
                _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"A test should be a mapping with name, records and expect, not {item.Kind}.", item.Location);
                continue;
            }

            var test = new MappingReader(mapping, TestKeys, _diagnostics, "test");
            string? name = test.Text("name", required: true);
            string? region = test.Text("region");
            var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((YamlScalar key, YamlNode value) in test.Mapping("parameters")?.Entries ?? [])
            {
                if (ScalarValues.Text(value, $"Parameter '{key.Value}'", _diagnostics) is { } text)
                {
                    overrides[key.Value] = text;
                }
            }

            List<TestRecords> records = ReadTestRecords(test);
            YamlSequence? expect = test.Sequence("expect");
            if (!test.Has("expect"))
            {
                test.Missing("expect");
            }

            List<ExpectedClue> expected = ReadExpected(expect);
            test.Finish();
            result.Add(new ModelTest
            {
                Name = name ?? "?",
                Region = region,
                Location = mapping.Location,
                Records = records,
                Expected = expected,
                ParameterOverrides = overrides,
            });
        }

        return result;
    }

    private List<TestRecords> ReadTestRecords(MappingReader test)
    {
        var result = new List<TestRecords>();
        YamlMapping? records = test.Mapping("records", required: true);
        foreach ((YamlScalar dataset, YamlNode value) in records?.Entries ?? [])
        {
            switch (value)
            {
                case YamlSequence rows:
                    var inline = new List<TestRecord>();
                    foreach (YamlNode row in rows.Items)
                    {
                        if (row is not YamlMapping fields)
                        {
                            _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"A record should be a mapping of field: value, not {row.Kind}.", row.Location);
                            continue;
                        }

                        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                        foreach ((YamlScalar field, YamlNode fieldValue) in fields.Entries)
                        {
                            values[field.Value] = TestValue(fieldValue, field.Value);
                        }

                        inline.Add(new TestRecord(values, row.Location));
                    }

                    result.Add(new TestRecords(dataset.Value, dataset.Location) { Inline = inline });
                    break;
                case YamlMapping file when file.Entries.Count == 1 && file.Entries[0].Key.Value == "file" && file.Entries[0].Value is YamlScalar path:
                    string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(_file.Path) ?? ".", path.Value));
                    if (!File.Exists(full))
                    {
                        _diagnostics.Error(ModelDiagnosticIds.FileNotFound, $"The records file '{path.Value}' does not exist.", path.Location, "Paths are relative to the model file.");
                        break;
                    }

                    result.Add(new TestRecords(dataset.Value, dataset.Location) { File = full });
                    break;
                default:
                    _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"The records of '{dataset.Value}' should be a list of records, or 'file: path', not {value.Kind}.", value.Location);
                    break;
            }
        }

        return result;
    }

    private object? TestValue(YamlNode node, string field)
    {
        switch (node)
        {
            case YamlScalar { IsNull: true }:
                return null;
            case YamlScalar scalar:
                return scalar.Value;
            case YamlSequence sequence:
                return sequence.Items.Select(i => ScalarValues.Text(i, $"An item of '{field}'", _diagnostics)).ToArray();
            default:
                _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"Field '{field}' should be a value or a list, not {node.Kind}.", node.Location);
                return null;
        }
    }

    private List<ExpectedClue> ReadExpected(YamlSequence? expect)
    {
        var result = new List<ExpectedClue>();
        foreach (YamlNode item in expect?.Items ?? [])
        {
            if (item is not YamlMapping mapping)
            {
                _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"An expected clue should be a mapping with subject (and rule, evidence), not {item.Kind}.", item.Location);
                continue;
            }

            var clue = new MappingReader(mapping, ExpectKeys, _diagnostics, "expected clue");
            string? subject = clue.Text("subject", required: true);
            var evidence = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach ((YamlScalar field, YamlNode value) in clue.Mapping("evidence")?.Entries ?? [])
            {
                evidence[field.Value] = TestValue(value, field.Value);
            }

            result.Add(new ExpectedClue(clue.Text("rule"), subject ?? string.Empty, evidence, mapping.Location));
            clue.Finish();
        }

        return result;
    }
}
