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
        "description", "datasets", "parameters", "rules", "from", "join", "deadline", "window", "when", "script", "clue", "keep_invalid_ids", "derive", "tests",
    ];

    internal static readonly string[] RuleKeys = ["id", "from", "join", "deadline", "window", "when", "script", "clue", "keep_invalid_ids", "derive", "description"];
    internal static readonly string[] DeriveKeys = ["dataset", "key", "fields"];
    internal static readonly string[] JoinKeys = ["dataset", "as", "kind", "on", "where", "match", "latest_by", "aggregate"];
    private static readonly string[] WindowSpans = ["days", "months", "consecutive"];

    internal static readonly string[] WindowKeys = ["group_by", "over", "days", "months", "consecutive", "having", "max_evidence"];
    internal static readonly string[] DeadlineKeys = ["after", "within", "follow_up", "as_of"];
    internal static readonly string[] FollowUpKeys = ["dataset", "as", "on", "date", "where"];
    internal static readonly string[] ClueKeys = ["title", "subject", "evidence", "material", "severity", "action"];
    internal static readonly string[] ParameterKeys = ["type", "default", "justification", "description", "regions"];
    internal static readonly string[] LegalBasisKeys = ["law", "article", "text"];
    private static readonly string[] FromKeys = ["dataset", "as"];
    internal static readonly string[] TestKeys = ["name", "region", "parameters", "records", "expect", "warnings"];
    internal static readonly string[] WarningKeys = ["dataset", "field", "code"];
    internal static readonly string[] ExpectKeys = ["rule", "subject", "evidence"];

    private readonly YamlFile _file;
    private readonly DiagnosticList _diagnostics;
    private (string Code, SourceMap Map)? _fileScript;
    private readonly LineIndex _lines;
    private readonly Dictionary<(string Rule, string Key), string> _windowParameters = [];

    private ModelReader(YamlFile file, DiagnosticList diagnostics)
    {
        _file = file;
        _diagnostics = diagnostics;
        _lines = new LineIndex(file.Text);
    }

    /// <param name="file">The file.</param>
    /// <param name="root">Its root mapping.</param>
    /// <param name="diagnostics">Receives every problem.</param>
    /// <param name="fileScript">The C# code of a <c>.csx</c> model file, whose metadata is <paramref name="root"/>.</param>
    public static SupervisionModel Read(YamlFile file, YamlMapping root, DiagnosticList diagnostics, (string Code, SourceMap Map)? fileScript = null) =>
        new ModelReader(file, diagnostics) { _fileScript = fileScript }.ReadModel(root);

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
            WindowParameters = _windowParameters,
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
        bool single = _fileScript is not null || model.Has("when") || model.Has("script") || model.Has("from") || model.Has("clue") || model.Has("join") || model.Has("window") || model.Has("deadline");
        YamlSequence? rules = model.Sequence("rules");
        if (_fileScript is not null && (rules is not null || model.Has("script")))
        {
            _diagnostics.Error(ModelDiagnosticIds.InvalidScriptModel, "A .csx model is one rule, and its script is the code after the metadata comment.", model.KeyLocationOf(rules is not null ? "rules" : "script"), "Keep 'from:' and 'clue:' in the comment and write the script below it; put several rules in a YAML model.");
            return result;
        }

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
        (string? script, SourceMap? scriptMap) = _fileScript is { } fileScript ? (fileScript.Code, fileScript.Map) : Condition(rule, "script");
        (string condition, SourceMap map)? when = script is not null && !rule.Has("when") ? (string.Empty, scriptMap!) : ReadWhen(rule);
        ClueSpec clue = ReadClue(rule.Mapping("clue"));
        List<JoinDefinition> joins = ReadJoins(rule);
        (JoinDefinition Join, string Condition, SourceMap? ConditionSource)? deadline = ReadDeadline(rule);
        if (deadline is { } d)
        {
            joins.Add(d.Join);
        }

        WindowDefinition? window = ReadWindow(rule, ruleId, defaults);
        bool keepInvalidIds = rule.Bool("keep_invalid_ids") ?? false;
        DeriveDefinition? derive = ReadDerive(rule);
        if (dataset is null || when is null)
        {
            return null;
        }

        (string condition, SourceMap map) = when.Value;
        if (deadline is { Condition.Length: > 0 } elapsed)
        {
            string original = condition;
            condition = $"({original}) AND {elapsed.Condition}";
            var positions = new List<(int Line, int Column)>();
            SourceLocation start = map.Locate(original, 0, 0);
            positions.Add((start.Line, start.Column));
            for (int i = 0; i <= original.Length; i++)
            {
                SourceLocation at = map.Locate(original, i, 0);
                positions.Add((at.Line, at.Column));
            }

            // Then " AND " and the elapsed condition, each character where the deadline's keys are written.
            SourceLocation joint = rule.LocationOf("deadline");
            positions.AddRange(Enumerable.Repeat((joint.Line, joint.Column), ") AND ".Length - 1));
            positions.AddRange(elapsed.ConditionSource!.PositionsOf(elapsed.Condition));

            map = SourceMap.FromPositions(_file.Path, positions);
        }

        return new RuleDefinition(ruleId, dataset, condition)
        {
            Joins = joins,
            Window = window,
            ModelId = modelId,
            Version = version,
            Alias = alias,
            Clue = clue,
            Parameters = defaults,
            ConditionSource = map,
            Script = script,
            ScriptSource = scriptMap,
            KeepInvalidIdNumbers = keepInvalidIds,
            Derive = derive,
            Location = fromLocation,
        };
    }

    private List<JoinDefinition> ReadJoins(MappingReader rule)
    {
        var joins = new List<JoinDefinition>();
        foreach (YamlNode item in rule.Sequence("join")?.Items ?? [])
        {
            if (item is not YamlMapping mapping)
            {
                rule.WrongType(item, "a join", "a mapping with dataset, as, kind and on");
                continue;
            }

            var join = new MappingReader(mapping, JoinKeys, _diagnostics, "join");
            string? dataset = join.Text("dataset", required: true);
            string? alias = join.Text("as", required: true);
            string? kind = join.Text("kind");
            string? match = join.Text("match");
            JoinKind? parsedKind = kind switch
            {
                null or "inner" => JoinKind.Inner,
                "left" => JoinKind.Left,
                "exists" => JoinKind.Exists,
                "not_exists" => JoinKind.NotExists,
                _ => null,
            };
            JoinMatch? parsedMatch = match switch
            {
                null or "any" => JoinMatch.Any,
                "all" => JoinMatch.All,
                "latest" => JoinMatch.Latest,
                _ => null,
            };
            if (parsedKind is null)
            {
                _diagnostics.Error(ModelDiagnosticIds.InvalidValue, $"Join kind '{kind}' is not a kind of join.", join.LocationOf("kind"), "One of: inner, left, exists, not_exists.");
            }

            if (parsedMatch is null)
            {
                _diagnostics.Error(ModelDiagnosticIds.InvalidValue, $"Match '{match}' is not a way to pick matches.", join.LocationOf("match"), "One of: any, all, latest.");
            }

            (string? where, SourceMap? whereMap) = Condition(join, "where");
            (List<(string, string)> on, List<(SourceMap?, SourceMap?)> onSources) = ReadOn(join);
            string? latestBy = join.Text("latest_by");
            var aggregates = new List<JoinAggregate>();
            foreach ((YamlScalar name, YamlNode value) in join.Mapping("aggregate")?.Entries ?? [])
            {
                if (ScalarValues.Text(value, $"Aggregate '{name.Value}'", _diagnostics) is { } expression)
                {
                    aggregates.Add(new JoinAggregate(name.Value, expression) { Source = MapOf(value) });
                }
            }

            join.Finish();
            if (dataset is null || alias is null || parsedKind is null || parsedMatch is null)
            {
                continue;
            }

            joins.Add(new JoinDefinition(dataset, alias, parsedKind.Value)
            {
                On = on,
                OnSources = onSources,
                Where = where,
                WhereSource = whereMap,
                Match = parsedMatch.Value,
                LatestBy = latestBy,
                Aggregates = aggregates,
                Location = join.LocationOf("dataset"),
            });
        }

        return joins;
    }

    /// <summary>A join's key pairs, and where each side of each is written.</summary>
    private (List<(string Left, string Right)> Pairs, List<(SourceMap? Left, SourceMap? Right)> Sources) ReadOn(MappingReader reader)
    {
        var pairs = new List<(string, string)>();
        var sources = new List<(SourceMap?, SourceMap?)>();
        foreach ((YamlScalar key, YamlNode value) in reader.Mapping("on", required: true)?.Entries ?? [])
        {
            if (ScalarValues.Text(value, $"The key '{key.Value}'", _diagnostics) is { } right)
            {
                pairs.Add((key.Value, right));
                sources.Add((MapOf(key), MapOf(value)));
            }
        }

        return (pairs, sources);
    }

    /// <summary>A condition written under a key, with its characters mapped into the file; <see langword="null"/> when absent.</summary>
    private (string? Text, SourceMap? Map) Condition(MappingReader reader, string key)
    {
        if (reader.Node(key) is not YamlScalar { IsNull: false } scalar)
        {
            if (reader.Node(key) is { } other and not YamlScalar)
            {
                reader.WrongType(other, $"'{key}'", "a condition");
            }

            return (null, null);
        }

        return (scalar.Value, SourceMap.FromPositions(_file.Path, ScalarPositions.Map(_file.Text, _lines, scalar)));
    }

    /// <summary>
    /// <c>deadline:</c> — a follow-up record expected within a number of days after an event: a not-exists join on the
    /// follow-up dataset whose date falls in the period, plus (with <c>as_of</c>) the condition that the period has ended.
    /// </summary>
    private (JoinDefinition Join, string Condition, SourceMap? ConditionSource)? ReadDeadline(MappingReader rule)
    {
        YamlMapping? mapping = rule.Mapping("deadline");
        if (mapping is null)
        {
            return null;
        }

        var deadline = new MappingReader(mapping, DeadlineKeys, _diagnostics, "deadline");
        string? after = deadline.Text("after", required: true);
        string? within = deadline.Text("within", required: true);
        string? asOf = deadline.Text("as_of");
        YamlMapping? followMapping = deadline.Mapping("follow_up", required: true);
        deadline.Finish();
        if (followMapping is null || after is null || within is null)
        {
            return null;
        }

        var follow = new MappingReader(followMapping, FollowUpKeys, _diagnostics, "follow_up");
        string? dataset = follow.Text("dataset", required: true);
        string alias = follow.Text("as") ?? "follow_up";
        string? date = follow.Text("date", required: true);
        (string? where, SourceMap? whereMap) = Condition(follow, "where");
        (List<(string, string)> on, List<(SourceMap?, SourceMap?)> onSources) = ReadOn(follow);
        follow.Finish();
        if (dataset is null || date is null)
        {
            return null;
        }

        // days_between(after, r.date) BETWEEN 0 AND within, each piece placed where it is written in the file. The
        // follow-up's date may be bare (report_date) or qualified by its alias (r.report_date), as its where would be.
        (int Line, int Column)[] afterAt = Positions(deadline, "after", after);
        (int Line, int Column)[] withinAt = Positions(deadline, "within", within);
        (int Line, int Column)[] dateAt = Positions(follow, "date", date);
        var period = new PositionedText();
        if (where is not null && whereMap is not null)
        {
            (int Line, int Column)[] whereAt = whereMap.PositionsOf(where);
            period.Append("(", whereAt[0]).Append(where, whereAt).Append(") AND ", whereAt[^1]);
        }

        period.Append("days_between(", afterAt[0]).Append(after, afterAt).Append(", ", afterAt[^1]);
        if (!date.StartsWith(alias + ".", StringComparison.Ordinal))
        {
            period.Append(alias + ".", dateAt[0]);
        }

        period.Append(date, dateAt).Append(") BETWEEN 0 AND ", withinAt[0]).Append(within, withinAt);
        var join = new JoinDefinition(dataset, alias, JoinKind.NotExists)
        {
            On = on,
            OnSources = onSources,
            Where = period.Text,
            Location = follow.LocationOf("dataset"),
            WhereSource = period.Map(_file.Path, withinAt[^1]),
        };
        if (asOf is null)
        {
            return (join, string.Empty, null);
        }

        // With as_of, only events whose period has ended: days_between(after, as_of) > within.
        (int Line, int Column)[] asOfAt = Positions(deadline, "as_of", asOf);
        var elapsed = new PositionedText()
            .Append("days_between(", afterAt[0]).Append(after, afterAt).Append(", ", afterAt[^1])
            .Append(asOf, asOfAt).Append(") > ", asOfAt[^1]).Append(within, withinAt);
        return (join, elapsed.Text, elapsed.Map(_file.Path, withinAt[^1]));
    }

    /// <summary>Where each character of a scalar's value stands in the file.</summary>
    private SourceMap? MapOf(YamlNode node) => node is YamlScalar scalar ? SourceMap.FromPositions(_file.Path, ScalarPositions.Map(_file.Text, _lines, scalar)) : null;

    /// <summary>Where each character of a key's scalar value stands in the file, and its end.</summary>
    private (int Line, int Column)[] Positions(MappingReader reader, string key, string value) =>
        reader.Node(key) is YamlScalar scalar
            ? ScalarPositions.Map(_file.Text, _lines, scalar)
            : [.. Enumerable.Repeat((reader.LocationOf(key).Line, reader.LocationOf(key).Column), value.Length + 1)];

    private DeriveDefinition? ReadDerive(MappingReader rule)
    {
        if (rule.Mapping("derive") is not { } mapping)
        {
            return null;
        }

        var derive = new MappingReader(mapping, DeriveKeys, _diagnostics, "derive");
        string? dataset = derive.Text("dataset", required: true);
        IReadOnlyList<string> key = derive.TextList("key");
        var fields = new List<DerivedField>();
        foreach ((YamlScalar name, YamlNode value) in derive.Mapping("fields", required: true)?.Entries ?? [])
        {
            if (ScalarValues.Text(value, $"Derived field '{name.Value}'", _diagnostics) is { } expression)
            {
                fields.Add(new DerivedField(name.Value, expression) { Source = MapOf(value) });
            }
        }

        derive.Finish();
        return dataset is null ? null : new DeriveDefinition(dataset, fields) { Key = key, Location = mapping.Location };
    }

    private WindowDefinition? ReadWindow(MappingReader rule, string ruleId, Dictionary<string, object?> parameters)
    {
        YamlMapping? mapping = rule.Mapping("window");
        if (mapping is null)
        {
            return null;
        }

        var window = new MappingReader(mapping, WindowKeys, _diagnostics, "window");
        string? groupBy = window.Text("group_by", required: true);

        // Without over and a span, a key's records are counted over the whole input. Over a date or datetime the span
        // is in days; over a year_month, in months; 'consecutive' counts runs of consecutive days or months instead.
        string[] spans = [.. WindowSpans.Where(window.Has)];
        bool grouped = !window.Has("over") && spans.Length == 0;
        string? over = grouped ? null : window.Text("over", required: true);
        if (!grouped && spans.Length != 1)
        {
            _diagnostics.Error(
                spans.Length == 0 ? ModelDiagnosticIds.MissingKey : ModelDiagnosticIds.InvalidValue,
                spans.Length == 0 ? "A window with 'over' needs its span: 'days' (over a date or datetime), 'months' (over a year_month) or 'consecutive'." : $"A window has one span, not {string.Join(" and ", spans.Select(k => $"'{k}'"))}.",
                spans.Length == 0 ? window.Location : window.LocationOf(spans[1]),
                "days: 730 counts records at most 730 days apart; months: 2 counts records at most two months apart; consecutive: 3 counts runs of three consecutive periods.");
        }

        int? span = spans.Length == 1 ? WindowNumber(window, spans[0], ruleId, parameters) : null;
        (string? having, SourceMap? havingMap) = Condition(window, "having");
        if (having is null && spans is not ["consecutive"])
        {
            window.Missing("having");
        }

        int maxEvidence = 50;
        if (window.Node("max_evidence") is { } cap && ScalarValues.TryValue(cap, FieldType.Int, "'max_evidence'", _diagnostics, out object? capValue) && capValue is long capNumber)
        {
            maxEvidence = (int)Math.Clamp(capNumber, 0, 10_000);
        }

        window.Finish();
        if (groupBy is null || (having is null && spans is not ["consecutive"]) || (!grouped && (over is null || span is null)))
        {
            return null;
        }

        return new WindowDefinition(groupBy, over, spans is ["days"] ? span!.Value : 0, having ?? "TRUE")
        {
            Months = spans is ["months"] ? span : null,
            Consecutive = spans is ["consecutive"] ? span : null,
            MaxEvidence = maxEvidence,
            HavingSource = havingMap,
            Location = window.Location,
        };
    }

    /// <summary>A window's whole number of days, months or periods: a literal, or an integer $parameter (which --param can change).</summary>
    private int? WindowNumber(MappingReader window, string key, string ruleId, Dictionary<string, object?> parameters)
    {
        string? text = window.Text(key, required: true);
        if (text is null)
        {
            return null;
        }

        if (text.StartsWith('$'))
        {
            if (parameters.TryGetValue(text[1..], out object? value) && value is long number)
            {
                _windowParameters[(ruleId, key)] = text[1..];
                return (int)Math.Clamp(number, int.MinValue, int.MaxValue);
            }

            _diagnostics.Error(ModelDiagnosticIds.InvalidValue, $"'{key}' names {text}, which is not an integer parameter of the model.", window.LocationOf(key), "Declare it under parameters with type: int.");
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int literal))
        {
            return literal;
        }

        string unit = key == "days" ? "days" : key == "months" ? "months" : "periods";
        _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"'{key}' should be a whole number of {unit} or a $parameter, not '{text}'.", window.LocationOf(key));
        return null;
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
        string? title = clue.Text("title");
        SourceMap? titleMap = clue.Node("title") is YamlScalar { IsNull: false } titleScalar ? SourceMap.FromPositions(_file.Path, ScalarPositions.Map(_file.Text, _lines, titleScalar)) : null;
        IReadOnlyList<(string Text, SourceLocation Location)> subject = clue.LocatedTextList("subject");
        (List<(string Text, SourceLocation Location)> evidence, List<ComputedEvidence> computed) = ReadEvidence(clue);
        IReadOnlyList<(string Text, SourceLocation Location)> material = clue.LocatedTextList("material");
        var spec = new ClueSpec
        {
            Title = title,
            TitleSource = titleMap,
            SubjectKey = [.. subject.Select(s => s.Text)],
            SubjectKeyLocations = [.. subject.Select(s => s.Location)],
            Evidence = [.. evidence.Select(e => e.Text)],
            EvidenceLocations = [.. evidence.Select(e => e.Location)],
            Computed = computed,
            Material = [.. material.Select(m => m.Text)],
            MaterialLocations = [.. material.Select(m => m.Location)],
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

    /// <summary>
    /// A clue's evidence: each item a field name (<c>case_no</c>, <c>h.aid_type</c>) or one <c>name: expression</c>
    /// entry for a value the clue computes (<c>unpaid: awarded - paid</c>), listed in its place.
    /// </summary>
    private (List<(string Text, SourceLocation Location)> Names, List<ComputedEvidence> Computed) ReadEvidence(MappingReader clue)
    {
        var names = new List<(string, SourceLocation)>();
        var computed = new List<ComputedEvidence>();
        YamlNode? node = clue.Node("evidence");
        IReadOnlyList<YamlNode> items = node switch
        {
            null or YamlScalar { IsNull: true } => [],
            YamlSequence sequence => sequence.Items,
            YamlScalar scalar => [scalar],
            _ => [],
        };
        if (node is YamlMapping)
        {
            clue.WrongType(node, "'evidence'", "a list of field names and name: expression items (each line starting with '- ')");
        }

        foreach (YamlNode item in items)
        {
            if (item is YamlMapping mapping)
            {
                if (mapping.Entries.Count != 1)
                {
                    _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"A computed evidence item is one name: expression entry, not {mapping.Entries.Count}.", mapping.Location, "Write each on its own line: - unpaid: awarded - paid");
                    continue;
                }

                (YamlScalar name, YamlNode value) = mapping.Entries[0];
                if (ScalarValues.Text(value, $"Computed evidence '{name.Value}'", _diagnostics) is { } expression)
                {
                    names.Add((name.Value, name.Location));
                    computed.Add(new ComputedEvidence(name.Value, expression)
                    {
                        Source = SourceMap.FromPositions(_file.Path, ScalarPositions.Map(_file.Text, _lines, (YamlScalar)value)),
                        Location = name.Location,
                    });
                }

                continue;
            }

            if (ScalarValues.Text(item, "An item of 'evidence'", _diagnostics) is { } text)
            {
                names.Add((text, item.Location));
            }
        }

        return (names, computed);
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
            List<ExpectedWarning> warnings = ReadWarnings(test.Sequence("warnings"));
            test.Finish();
            result.Add(new ModelTest
            {
                Name = name ?? "?",
                Region = region,
                Location = mapping.Location,
                Records = records,
                Expected = expected,
                Warnings = warnings,
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

    private List<ExpectedWarning> ReadWarnings(YamlSequence? sequence)
    {
        var result = new List<ExpectedWarning>();
        foreach (YamlNode item in sequence?.Items ?? [])
        {
            if (item is not YamlMapping mapping)
            {
                _diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"An expected warning should be a mapping with dataset and field (and code), not {item.Kind}.", item.Location);
                continue;
            }

            var warning = new MappingReader(mapping, WarningKeys, _diagnostics, "expected warning");
            string? dataset = warning.Text("dataset", required: true);
            string? field = warning.Text("field", required: true);
            string code = warning.Text("code") ?? DiagnosticIds.InvalidIdNumber;
            warning.Finish();
            if (dataset is not null && field is not null)
            {
                result.Add(new ExpectedWarning(dataset, field, code, mapping.Location));
            }
        }

        return result;
    }
}
