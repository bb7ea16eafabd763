using RuleEngine.Diagnostics;
using RuleEngine.Schema;
using RuleEngine.Yaml.Binding;
using RuleEngine.Yaml.Reading;
using YamlDotNet.Core;

namespace RuleEngine.Yaml;

/// <summary>
/// Supervision models and dataset schemas loaded from YAML files, with every problem found in them. Loading never
/// throws on bad content: each problem is a <see cref="Diagnostic"/> with its file, line, column, code and hint.
/// </summary>
public sealed class ModelSet
{
    private readonly IScriptConditionCompiler? _scriptCompiler;

    private ModelSet(IReadOnlyList<SupervisionModel> models, IReadOnlyDictionary<string, DatasetDefinition> datasets, IReadOnlyList<Diagnostic> diagnostics, IScriptConditionCompiler? scriptCompiler)
    {
        _scriptCompiler = scriptCompiler;
        Models = models;
        Datasets = datasets;
        Diagnostics = diagnostics;
    }

    /// <summary>Gets the models, ordered by file; when <see cref="HasErrors"/>, some may be incomplete.</summary>
    public IReadOnlyList<SupervisionModel> Models { get; }

    /// <summary>Gets the datasets, by name.</summary>
    public IReadOnlyDictionary<string, DatasetDefinition> Datasets { get; }

    /// <summary>Gets every problem found, ordered by file, line and column.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Gets a value indicating whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>
    /// Loads every <c>.yaml</c> and <c>.yml</c> file under a folder (or one file, with the dataset files beside it and in a
    /// <c>datasets</c> folder): files starting with <c>dataset:</c> are dataset schemas, files starting with <c>id:</c> are models.
    /// Every model's conditions are checked against their datasets with their default parameter values.
    /// </summary>
    /// <param name="path">A folder or a model file.</param>
    /// <param name="options">Reading limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The models, the datasets and every diagnostic.</returns>
    public static ModelSet Load(string path, ModelLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ModelLoadOptions();
        var diagnostics = new DiagnosticList();
        var datasets = new Dictionary<string, DatasetDefinition>(StringComparer.Ordinal);
        var models = new List<SupervisionModel>();
        foreach (string file in FilesToLoad(path, diagnostics))
        {
            byte[]? bytes = SafeYamlReader.ReadBytes(file, options.Limits, diagnostics);
            if (bytes is null || (options.RequireSignatures && !ModelSignature.Verify(file, bytes, options.TrustedKeys, diagnostics)))
            {
                continue;
            }

            (string Code, SourceMap Map)? script = null;
            if (file.EndsWith(".csx", StringComparison.OrdinalIgnoreCase))
            {
                if (ScriptModelFile.Split(file, bytes, diagnostics) is not { } split)
                {
                    continue;
                }

                (bytes, script) = (split.Metadata, (split.Code, split.Map));
            }

            YamlFile yaml = SafeYamlReader.Parse(file, bytes, options.Limits, diagnostics);
            switch (yaml.Root)
            {
                case null:
                    break;
                case YamlMapping root when script is null && root.Entries.Exists(e => e.Key.Value == "dataset"):
                    if (DatasetReader.Read(yaml, root, diagnostics) is { } dataset)
                    {
                        if (datasets.TryGetValue(dataset.Schema.Name, out DatasetDefinition? first))
                        {
                            diagnostics.Error(ModelDiagnosticIds.DuplicateId, $"Dataset '{dataset.Schema.Name}' is also declared in {first.Location}.", dataset.Location, "Dataset names are unique in a model set.");
                        }
                        else
                        {
                            datasets.Add(dataset.Schema.Name, dataset);
                        }
                    }

                    break;
                case YamlMapping root:
                    SupervisionModel model = ModelReader.Read(yaml, root, diagnostics, script);
                    if (!options.AllowVersionRollback && options.KnownVersions.TryGetValue(model.Id, out string? known) && CompareVersions(model.Version, known) < 0)
                    {
                        diagnostics.Error(ModelDiagnosticIds.VersionRollback, $"Model '{model.Id}' is version {model.Version}, older than the version {known} already in use; it is not loaded.", model.Location, "Allow rollback explicitly if the older version is wanted.");
                        break;
                    }

                    models.Add(model);
                    break;
                default:
                    diagnostics.Error(ModelDiagnosticIds.WrongValueType, $"A model or dataset file is a mapping, not {yaml.Root.Kind}.", yaml.Root.Location, "A model file starts with 'id:', a dataset file with 'dataset:'.");
                    break;
            }
        }

        var unique = new List<SupervisionModel>();
        foreach (SupervisionModel model in models)
        {
            SupervisionModel? first = unique.Find(m => m.Id == model.Id);
            if (first is not null)
            {
                diagnostics.Error(ModelDiagnosticIds.DuplicateId, $"Model id '{model.Id}' is also used by {first.Location}.", model.Location, "Model ids are unique in a model set.");
                continue;
            }

            unique.Add(model);
            CheckModel(model, datasets, options.ScriptCompiler, diagnostics);
        }

        IReadOnlyList<Diagnostic> ordered = [.. diagnostics.Items
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Location.Path ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(x => x.d.Location.Line)
            .ThenBy(x => x.d.Location.Column)
            .ThenBy(x => x.i)
            .Select(x => x.d)];
        return new ModelSet(unique, datasets, ordered, options.ScriptCompiler);
    }

    /// <summary>
    /// Compiles the models (all but retired ones) into one rule set, with each parameter's value for
    /// <see cref="ModelCompileOptions.Region"/> and the run-time overrides.
    /// </summary>
    /// <param name="options">The region and overrides; <see langword="null"/> for the defaults.</param>
    /// <returns>The rule set.</returns>
    /// <exception cref="RuleCompilationException">The set has errors, or an override does not fit its parameter; the exception holds every diagnostic.</exception>
    /// <exception cref="ArgumentException"><see cref="ModelCompileOptions.Models"/> names a model the set does not have.</exception>
    public RuleSet Compile(ModelCompileOptions? options = null)
    {
        options ??= new ModelCompileOptions();
        if (options.Models?.Where(id => !Models.Any(m => m.Id == id)).ToList() is [_, ..] unknown)
        {
            throw new ArgumentException($"The model set has no model {string.Join(", ", unknown.Select(id => $"'{id}'"))}.", nameof(options));
        }

        return Compile(Models.Where(m => m.Status != ModelStatus.Retired && (options.Models is null || options.Models.Contains(m.Id))), options);
    }

    internal RuleSet Compile(IEnumerable<SupervisionModel> models, ModelCompileOptions options)
    {
        if (HasErrors)
        {
            throw new RuleCompilationException(Diagnostics);
        }

        var diagnostics = new DiagnosticList();
        RuleSetBuilder builder = NewBuilder(Datasets.Values, _scriptCompiler);
        foreach ((string dataset, string condition) in options.Exclusions)
        {
            builder.Exclude(dataset, condition);
        }

        List<SupervisionModel> list = [.. models];
        foreach (string key in options.Parameters.Keys.Where(k => !list.Exists(m => m.Parameters.Any(p => p.Name == k || $"{m.Id}.{p.Name}" == k))))
        {
            diagnostics.Error(ModelDiagnosticIds.InvalidParameterValue, $"No model declares the parameter '{key}'.", SourceLocation.At("--param", 0, 0));
        }

        foreach (SupervisionModel model in list)
        {
            IReadOnlyDictionary<string, object?> values = ParameterValues(model, options, diagnostics);
            builder.AddRules(model.Rules.Select(r => WithParameters(model, r, values)));
        }

        if (diagnostics.HasErrors)
        {
            throw new RuleCompilationException(diagnostics.Items);
        }

        return builder.Build();
    }

    private static RuleSetBuilder NewBuilder(IEnumerable<DatasetDefinition> datasets, IScriptConditionCompiler? scriptCompiler)
    {
        var builder = new RuleSetBuilder();
        foreach (DatasetDefinition dataset in datasets)
        {
            builder.AddDataset(dataset.Schema);
        }

        if (scriptCompiler is not null)
        {
            builder.UseScriptCompiler(scriptCompiler);
        }

        return builder;
    }

    private static RuleDefinition WithParameters(SupervisionModel model, RuleDefinition rule, IReadOnlyDictionary<string, object?> values)
    {
        RuleDefinition bound = rule with { Parameters = values };
        int? Value(string key) => model.WindowParameters.TryGetValue((rule.Id, key), out string? name) && values.TryGetValue(name, out object? value) && value is long number
            ? (int)Math.Clamp(number, int.MinValue, int.MaxValue)
            : null;

        if (rule.Window is { } window)
        {
            bound = bound with { Window = window with { Days = Value("days") ?? window.Days, Months = Value("months") ?? window.Months, Consecutive = Value("consecutive") ?? window.Consecutive } };
        }

        return bound;
    }

    private static IReadOnlyDictionary<string, object?> ParameterValues(SupervisionModel model, ModelCompileOptions options, DiagnosticList diagnostics)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (ModelParameter parameter in model.Parameters)
        {
            string? text = options.Parameters.TryGetValue($"{model.Id}.{parameter.Name}", out string? own) ? own
                : options.Parameters.TryGetValue(parameter.Name, out string? shared) ? shared
                : null;
            values[parameter.Name] = text is null ? parameter.ValueFor(options.Region) : ParseOverride(parameter, text, diagnostics);
        }

        return values;
    }

    private static object? ParseOverride(ModelParameter parameter, string text, DiagnosticList diagnostics)
    {
        var scratch = new DiagnosticList();
        SourceLocation where = SourceLocation.At("--param", 0, 0);
        IEnumerable<string> parts = parameter.IsList ? text.Split(',', StringSplitOptions.TrimEntries) : [text];
        var values = new List<object?>();
        foreach (string part in parts)
        {
            if (ScalarValues.TryValue(new YamlScalar(where, part, ScalarStyle.Plain, 0, 0), parameter.Type, $"The value given for '{parameter.Name}'", scratch, out object? value))
            {
                values.Add(value);
            }
        }

        foreach (Diagnostic problem in scratch.Items)
        {
            diagnostics.Add(problem with { Id = ModelDiagnosticIds.InvalidParameterValue });
        }

        return parameter.IsList ? values.ToArray() : values.FirstOrDefault();
    }

    private static void CheckModel(SupervisionModel model, Dictionary<string, DatasetDefinition> datasets, IScriptConditionCompiler? scriptCompiler, DiagnosticList diagnostics)
    {
        if (model.Status == ModelStatus.Retired)
        {
            diagnostics.Info(ModelDiagnosticIds.ModelRetired, $"Model '{model.Id}' is retired; it is checked but not compiled.", model.Location);
        }

        // A rule that could not be read is missing from the model: its tests' expectations naming it are not reported again.
        bool unreadRules = diagnostics.Items.Any(d => d.IsError && d.Location.Path == model.Location.Path);
        RuleSetBuilder builder = NewBuilder(datasets.Values, scriptCompiler);
        diagnostics.AddRange(builder.AddRules(model.Rules).Validate());
        foreach (ModelTest test in model.Tests)
        {
            CheckTest(model, test, datasets, unreadRules, diagnostics);
        }
    }

    private static void CheckTest(SupervisionModel model, ModelTest test, Dictionary<string, DatasetDefinition> datasets, bool unreadRules, DiagnosticList diagnostics)
    {
        foreach (TestRecords records in test.Records)
        {
            if (!datasets.TryGetValue(records.Dataset, out DatasetDefinition? dataset))
            {
                string? suggestion = MappingReader.Suggest(records.Dataset, datasets.Keys);
                diagnostics.Error(ModelDiagnosticIds.InvalidTestData, $"Test '{test.Name}' has records of dataset '{records.Dataset}', which is not declared.", records.Location, suggestion is null ? null : $"Did you mean '{suggestion}'?");
                continue;
            }

            foreach (TestRecord record in records.Inline)
            {
                foreach (string field in record.Values.Keys.Where(f => !dataset.Schema.TryGetField(f, out _)))
                {
                    string? suggestion = MappingReader.Suggest(field, dataset.Schema.Fields.Select(f => f.Name));
                    diagnostics.Error(ModelDiagnosticIds.InvalidTestData, $"Dataset '{records.Dataset}' has no field '{field}'.", record.Location, suggestion is null ? null : $"Did you mean '{suggestion}'?");
                }
            }
        }

        // Deriving rules give no clues: a model whose other rules are one needs no 'rule:' in its expectations.
        RuleDefinition[] clueRules = [.. model.Rules.Where(r => r.Derive is null)];
        foreach (ExpectedClue clue in test.Expected)
        {
            if (clue.Rule is null && clueRules.Length > 1)
            {
                diagnostics.Error(ModelDiagnosticIds.InvalidTestData, $"Model '{model.Id}' has several rules that give clues; say which one the expected clue comes from.", clue.Location, $"Add 'rule:' with one of {string.Join(", ", clueRules.Select(ShortId))}.");
            }
            else if (clue.Rule is not null && !unreadRules && !model.Rules.Any(r => ShortId(r) == clue.Rule || r.Id == clue.Rule))
            {
                diagnostics.Error(ModelDiagnosticIds.InvalidTestData, $"Model '{model.Id}' has no rule '{clue.Rule}'.", clue.Location, $"Rules: {string.Join(", ", model.Rules.Select(ShortId))}.");
            }
        }
    }

    /// <summary>Compares versions part by part, numerically where both parts are numbers (1.10 is after 1.9).</summary>
    internal static int CompareVersions(string a, string b)
    {
        string[] left = a.Split('.', '-');
        string[] right = b.Split('.', '-');
        for (int i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            string x = i < left.Length ? left[i] : "0";
            string y = i < right.Length ? right[i] : "0";
            int order = long.TryParse(x, out long nx) && long.TryParse(y, out long ny) ? nx.CompareTo(ny) : string.CompareOrdinal(x, y);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    internal static string ShortId(RuleDefinition rule) =>
        rule.ModelId is not null && rule.Id.StartsWith(rule.ModelId + ".", StringComparison.Ordinal) ? rule.Id[(rule.ModelId.Length + 1)..] : rule.Id;

    /// <summary>
    /// Lists a folder's files and its subfolders' in turn, following linked folders once each: a link that leads back
    /// to a folder already being read (a loop) is reported (RE1025) and not followed again.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="shown">The folder's path as the caller spelled it (relative paths stay relative in diagnostics).</param>
    /// <param name="seen">The real folders already read.</param>
    /// <param name="files">Where the files found go.</param>
    /// <param name="diagnostics">Where a loop is reported.</param>
    private static void Walk(DirectoryInfo folder, string shown, HashSet<string> seen, List<string> files, DiagnosticList diagnostics)
    {
        string real = folder.LinkTarget is null ? folder.FullName : (folder.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder.FullName);
        if (!seen.Add(Path.TrimEndingDirectorySeparator(real)))
        {
            diagnostics.Info(ModelDiagnosticIds.FolderLoop, $"The linked folder '{shown}' leads back to '{real}', which is already being read; it is not read again.", SourceLocation.At(shown, 0, 0));
            return;
        }

        files.AddRange(folder.EnumerateFiles().Select(f => Path.Combine(shown, f.Name)));
        foreach (DirectoryInfo subfolder in folder.EnumerateDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            Walk(subfolder, Path.Combine(shown, subfolder.Name), seen, files, diagnostics);
        }
    }

    private static IEnumerable<string> FilesToLoad(string path, DiagnosticList diagnostics)
    {
        if (Directory.Exists(path))
        {
            var found = new List<string>();
            Walk(new DirectoryInfo(path), path, new HashSet<string>(StringComparer.Ordinal), found, diagnostics);
            return found
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csx", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToList();
        }

        if (File.Exists(path))
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var files = new List<string> { path };
            foreach (string directory in new[] { folder, Path.Combine(folder, "datasets") }.Where(Directory.Exists))
            {
                files.AddRange(Directory.EnumerateFiles(directory, "*.y*ml")
                    .Where(f => !string.Equals(Path.GetFullPath(f), Path.GetFullPath(path), StringComparison.Ordinal) && File.ReadLines(f).Any(l => l.StartsWith("dataset:", StringComparison.Ordinal)))
                    .Order(StringComparer.Ordinal));
            }

            return files;
        }

        diagnostics.Error(ModelDiagnosticIds.FileNotFound, $"'{path}' is neither a folder nor a file.", SourceLocation.At(path, 0, 0));
        return [];
    }
}
