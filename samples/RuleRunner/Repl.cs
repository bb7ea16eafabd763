using System.Globalization;
using RuleEngine;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary>
/// The <c>repl</c> session: conditions and C# typed over the data files of a models folder, one dataset at a time,
/// with commands to look at the data, pick a record and run a model. Reads from a terminal through a
/// <see cref="LineEditor"/> (history, completion), or from redirected input, echoing what it reads.
/// </summary>
internal sealed class Repl
{
    private const string Help = """
        Type a condition (amount >= $threshold AND cause = '盗窃') to count what it flags; then:
          :datasets            the datasets that have a data file here
          :use <dataset>       evaluate over another dataset
          :fields              the dataset's fields: type, empty values, a few sample values
          :record [line]       the current record (the first, until you pick one): C# and :explain look at it
          :explain [line]      the last condition on one line, part by part
          :model <id>          use a model's parameters ($name, p.Name); run its rules over the data
          :load [folder]       load the models folder again (after you edit it), or data files from another folder
          :cs [code]           C# over the typed record (r.FilingDate, p.GraceDays); :cs alone switches to C#
          :cond [condition]    a condition; :cond alone switches back to conditions
          :history             what you typed;  ↑/↓ recall it, Tab completes names
          :help, :quit
        """;

    /// <summary>The scripts' helper classes and their methods (Text.Contains …), for completion.</summary>
    private static readonly Dictionary<string, string[]> HelperMethods = new[] { typeof(RuleEngine.Scripting.Api.Text), typeof(RuleEngine.Scripting.Api.Dates), typeof(RuleEngine.Scripting.Api.Id), typeof(RuleEngine.Scripting.Api.CaseNo) }
        .ToDictionary(t => t.Name, t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Select(m => t.Name + "." + m.Name).Distinct().ToArray(), StringComparer.Ordinal);

    private const string CSharpOff = "C# is off here (--scripts off); conditions work as usual";

    private static readonly string[] Commands = [":datasets", ":use", ":fields", ":record", ":explain", ":model", ":load", ":cs", ":cond", ":history", ":help", ":quit"];

    private readonly string _modelsPath;
    private readonly ModelLoadOptions _options;
    private readonly string? _region;
    private readonly bool _reveal;
    private readonly bool _csharpAllowed;
    private readonly TextWriter _output;
    private readonly List<string> _history = [];
    private ModelSet _models = null!;
    private DatasetDefinition[] _available = [];
    private DirectoryInfo _data;
    private DatasetDefinition _current = null!;
    private string? _model;
    private string? _lastCondition;
    private bool _csharpMode;
    private bool _csharpAnnounced;
    private long? _line;
    private CSharpEvaluator? _csharp;

    public Repl(string modelsPath, ModelLoadOptions options, DirectoryInfo data, string? region, bool reveal, TextWriter output)
    {
        _modelsPath = modelsPath;
        _options = options;
        _data = data;
        _region = region;
        _reveal = reveal;
        _csharpAllowed = options.ScriptCompiler is not null;
        _output = output;
    }

    /// <summary>
    /// Loads the models folder and finds the data files of its datasets in <paramref name="data"/>; on a problem, says
    /// what it is and keeps what was loaded before. Starts with <paramref name="datasetName"/>, or stays on the current dataset.
    /// </summary>
    /// <returns>0 when loaded; otherwise the exit code that says why not: model errors, or no data (usage).</returns>
    public int Load(DirectoryInfo data, string? datasetName, TextWriter errors)
    {
        ModelSet models = ModelLoading.Load(_modelsPath, _options, errors);
        if (models.HasErrors)
        {
            return ExitCodes.ModelErrors;
        }

        DatasetDefinition[] available = [.. models.Datasets.Values.Where(d => d.FindDataFile(data.FullName) is not null).OrderBy(d => d.Schema.Name, StringComparer.Ordinal)];
        if (available.Length == 0)
        {
            errors.WriteLine($"--data-dir: no data file of any dataset in {data.FullName}");
            return ExitCodes.Usage;
        }

        string? stay = datasetName ?? _current?.Schema.Name;
        (_models, _available, _data) = (models, available, data);
        _current = available.FirstOrDefault(d => d.Schema.Name == stay) ?? available[0];
        _model = _model is not null && models.Models.Any(m => m.Id == _model) ? _model : null;
        (_lastCondition, _line) = (null, null);
        return ExitCodes.Success;
    }

    private string File => _current.FindDataFile(_data.FullName) ?? Path.Combine(_data.FullName, _current.DataFileName);

    private string Prompt => _csharpMode ? $"{_current.Schema.Name} c#> " : $"{_current.Schema.Name}> ";

    private IReadOnlyDictionary<string, object?> Parameters => ConditionEvaluator.ParametersOf(_models, _model, _region);

    /// <summary>Runs the session until :quit or the end of input.</summary>
    public async Task<int> RunAsync(bool interactive, CancellationToken cancellationToken)
    {
        LineEditor? editor = interactive ? new LineEditor(_output, Completions) : null;
        if (interactive)
        {
            _output.WriteLine("RuleRunner repl: conditions over the data, for trying (:help for the commands, :quit to leave).");
            AnnounceCSharp();
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            string? input = Read(editor, Prompt);
            if (input is null)
            {
                break;
            }

            string text = input.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            // C# goes on over several lines until the submission is complete (an empty line ends it as it is).
            bool csharp = (_csharpMode && !text.StartsWith(':')) || text.StartsWith(":cs ", StringComparison.Ordinal);
            while (csharp && !RuleEngine.Scripting.ScriptSession.IsCompleteSubmission(CodeOf(text)) && Read(editor, "   ...> ") is { Length: > 0 } more)
            {
                text += "\n" + more;
            }

            editor?.Remember(text);
            _history.Add(text);
            if (!await DispatchAsync(text, cancellationToken))
            {
                return ExitCodes.Success;
            }
        }

        return ExitCodes.Success;
    }

    private static string CodeOf(string text) => text.StartsWith(":cs ", StringComparison.Ordinal) ? text[4..] : text;

    private string? Read(LineEditor? editor, string prompt)
    {
        if (editor is not null)
        {
            return editor.ReadLine(prompt);
        }

        // Redirected input: echo each line after its prompt, so the output reads as a transcript.
        string? line = Console.In.ReadLine();
        if (line is not null && line.Trim().Length > 0)
        {
            _output.WriteLine(prompt + line.TrimEnd());
        }

        return line;
    }

    /// <summary>Does what one input says; <see langword="false"/> to end the session.</summary>
    private async Task<bool> DispatchAsync(string text, CancellationToken cancellationToken)
    {
        string[] words = text.Split(' ', 2, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? argument = words.Length == 2 ? words[1] : null;
        switch (words[0])
        {
            case ":quit" or ":q" or ":exit":
                return false;
            case ":help" or ":h" or "?":
                _output.WriteLine(Help);
                break;
            case ":datasets":
                foreach (DatasetDefinition each in _available)
                {
                    _output.WriteLine($"  {each.Schema.Name}  ({Path.GetFileName(each.FindDataFile(_data.FullName))}, {each.Schema.Fields.Count} fields){(each == _current ? "  ← current" : string.Empty)}");
                }

                break;
            case ":use" when argument is not null:
                if (_available.FirstOrDefault(d => d.Schema.Name == argument) is { } chosen)
                {
                    _current = chosen;
                    (_lastCondition, _line) = (null, null);
                    RestartCSharp();
                }
                else
                {
                    _output.WriteLine($"no data file of dataset '{argument}' here; :datasets lists those that have one");
                }

                break;
            case ":fields":
                await EvalCommands.PrintFieldsAsync(_current, File, _reveal, _output, cancellationToken);
                break;
            case ":record" or ":explain":
                long? line = argument is null ? await CurrentLineAsync(cancellationToken)
                    : long.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out long number) ? number : null;
                if (line is null)
                {
                    _output.WriteLine($"{words[0]} takes a line number");
                }
                else if (words[0] == ":record")
                {
                    await PrintRecordAsync(line.Value, cancellationToken);
                }
                else if (_lastCondition is null)
                {
                    _output.WriteLine("type a condition first; :explain shows the last one on a line");
                }
                else
                {
                    await new ConditionEvaluator(_current, File, Parameters, _reveal).PrintAsync(_lastCondition, line, _output, cancellationToken);
                }

                break;
            case ":model" when argument is not null:
                if (_models.Models.FirstOrDefault(m => m.Id == argument) is not { } found)
                {
                    _output.WriteLine($"no model '{argument}'; models: {string.Join(", ", _models.Models.Select(m => m.Id))}");
                    break;
                }

                _model = found.Id;
                RestartCSharp();
                await EvalCommands.RunModelAsync(_models, found, _data, _region, _reveal, _output, cancellationToken);
                break;
            case ":load":
                var folder = new DirectoryInfo(argument ?? _data.FullName);
                if (Load(folder, null, _output) == ExitCodes.Success)
                {
                    RestartCSharp();
                    _output.WriteLine($"  {_models.Models.Count} model(s), {_available.Length} dataset(s) with data in {folder.FullName}; current: {_current.Schema.Name}");
                }
                else
                {
                    _output.WriteLine("  kept what was loaded before");
                }

                break;
            case ":cs" when argument is null:
                _csharpMode = _csharpAllowed;
                if (!_csharpAllowed)
                {
                    _output.WriteLine(CSharpOff);
                }

                AnnounceCSharp();
                break;
            case ":cs":
                await EvaluateCSharpAsync(argument!, cancellationToken);
                break;
            case ":cond" when argument is null:
                _csharpMode = false;
                break;
            case ":cond":
                await EvaluateConditionAsync(argument!, cancellationToken);
                break;
            case ":history":
                foreach ((string entry, int i) in _history.SkipLast(1).Select((h, i) => (h, i)))
                {
                    _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,3}  {entry.Replace("\n", "\n       ", StringComparison.Ordinal)}"));
                }

                break;
            default:
                if (text.StartsWith(':'))
                {
                    _output.WriteLine($"unknown command '{words[0]}'; {Help.Split('\n')[0]}");
                }
                else if (_csharpMode)
                {
                    await EvaluateCSharpAsync(text, cancellationToken);
                }
                else
                {
                    await EvaluateConditionAsync(text, cancellationToken);
                }

                break;
        }

        return true;
    }

    private async Task EvaluateConditionAsync(string condition, CancellationToken cancellationToken)
    {
        if (await new ConditionEvaluator(_current, File, Parameters, _reveal).PrintAsync(condition, null, _output, cancellationToken))
        {
            _lastCondition = condition;
        }
    }

    private async Task EvaluateCSharpAsync(string code, CancellationToken cancellationToken)
    {
        if (!_csharpAllowed)
        {
            _output.WriteLine(CSharpOff);
            return;
        }

        AnnounceCSharp();
        _csharp ??= new CSharpEvaluator(_current, File, Parameters, _reveal);
        await _csharp.PrintAsync(code, await CurrentLineAsync(cancellationToken), _output, cancellationToken);
    }

    private void AnnounceCSharp()
    {
        if (_csharpAllowed && !_csharpAnnounced)
        {
            _output.WriteLine("C# (:cs) runs in this process, behind the script rules' allow-list and budgets: for trusted use only.");
            _csharpAnnounced = true;
        }
    }

    /// <summary>A new dataset or model's parameters: C# starts a new session (what was declared is gone).</summary>
    private void RestartCSharp()
    {
        if (_csharp is not null)
        {
            _output.WriteLine($"  C# starts again over {_current.Schema.Name}{(_model is null ? string.Empty : " with " + _model + "'s parameters")}: earlier declarations are gone");
            _csharp = null;
        }
    }

    /// <summary>The line of the current record: the one :record picked, or the first record of the file.</summary>
    private async Task<long> CurrentLineAsync(CancellationToken cancellationToken)
    {
        if (_line is { } line)
        {
            return line;
        }

        _line = await new ConditionEvaluator(_current, File, new Dictionary<string, object?>(), _reveal).FirstLineAsync(cancellationToken);
        return _line.Value;
    }

    private async Task PrintRecordAsync(long line, CancellationToken cancellationToken)
    {
        var evaluator = new ConditionEvaluator(_current, File, new Dictionary<string, object?>(), _reveal);
        RecordExplanation explanation = await evaluator.ExplainAsync(evaluator.Compile("TRUE").Rules!, line, cancellationToken);
        ExplainCommand.Print(explanation, File, [], _output);
        if (explanation.Found && explanation.Rejection is null)
        {
            _line = line;
        }
    }

    /// <summary>What Tab offers for the word before the cursor.</summary>
    private IEnumerable<string> Completions(string word)
    {
        if (word.StartsWith(':'))
        {
            return Commands;
        }

        IEnumerable<string> parameters = Parameters.Keys;
        if (_csharpMode)
        {
            _csharp ??= _csharpAllowed ? new CSharpEvaluator(_current, File, Parameters, _reveal) : null;
            return word.StartsWith("r.", StringComparison.Ordinal) ? (_csharp?.Session.RecordProperties ?? []).Select(p => "r." + p)
                : word.StartsWith("p.", StringComparison.Ordinal) ? (_csharp?.Session.ParameterProperties ?? []).Select(p => "p." + p)
                : HelperMethods.FirstOrDefault(h => word.StartsWith(h.Key + ".", StringComparison.Ordinal)) is { Key: not null } helper ? helper.Value
                : ["r.", "p.", .. HelperMethods.Keys.Select(k => k + "."), "true", "false", "null"];
        }

        return word.StartsWith('$') ? parameters.Select(p => "$" + p)
            : [.. _current.Schema.Fields.Select(f => f.Name), .. ConditionLanguage.FunctionNames, .. ConditionLanguage.Keywords];
    }
}
