using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Isolation;
using RuleEngine.Scripting.Loading;

namespace RuleEngine.Scripting;

/// <summary>A script of the untrusted tier: compiled here, never loaded here; it runs in a worker process, a batch at a time.</summary>
internal sealed class WorkerScriptCondition : ScriptCondition
{
    private readonly ScriptWorkerClient _worker;

    public WorkerScriptCondition(ScriptConditionRequest request, CompiledScriptImage image, string[] fields, ScriptSource source, SourceLocation start, ScriptWorkerOptions options)
    {
        Schema = request.Schema;
        FieldsRead = fields;
        Description = start.Path is null ? $"script of {request.RuleId}" : $"script ({Path.GetFileName(start.Path)}:{start.Line})";
        var faults = new ScriptFaults(request.RuleId, source, request.Source ?? SourceMap.StartingAt(SourceLocation.At(null, 1, 1)), request.Code);
        _worker = new ScriptWorkerClient(options, request.Schema, source.Namespace, image, faults, request.RuleId);
    }

    public override DatasetSchema Schema { get; }

    public override IReadOnlyList<string> FieldsRead { get; }

    public override string Description { get; }

    /// <summary>Gets the worker, for tests that watch it restart.</summary>
    internal ScriptWorkerClient Worker => _worker;

    internal override bool RunsInWorker => true;

    internal override Func<Record, bool> CreatePredicate(RecordLayout layout) =>
        throw new InvalidOperationException("A script of the untrusted tier runs in its worker process, a batch at a time.");

    internal override void EvaluateBatch(Record[] records, int[] positions, int count, ScriptOutcome[] outcomes) =>
        _worker.Evaluate(records, positions, count, outcomes);

    internal override bool TryClassify(Exception exception, out string code, out string message)
    {
        // The worker's answers arrive classified and described; the run raises them as evaluation exceptions.
        (code, message) = exception is EvaluationException evaluation ? (evaluation.Code, evaluation.Message) : (string.Empty, string.Empty);
        return code.Length > 0;
    }
}
