using RuleEngine.Schema;
using RuleEngine.Scripting;
using RuleEngine.Yaml;

namespace ClueDesk.Desk;

/// <summary>
/// What the desk shows beside a clue from its model folder: the model's name, supervision point and legal basis, and
/// each evidence field's name as the dataset's own export writes it (公民身份号码 rather than person_id).
/// </summary>
public sealed class ModelCatalog
{
    private ModelCatalog(ModelSet models) => Models = models;

    /// <summary>Gets the model set (empty when the folder does not load).</summary>
    public ModelSet Models { get; }

    /// <summary>Loads the folder; script models run in worker processes of their own.</summary>
    public static ModelCatalog Load(string folder) =>
        new(ModelSet.Load(folder, new ModelLoadOptions { ScriptCompiler = new ScriptRuleCompiler(new ScriptLimits(), ScriptTrust.Untrusted) }));

    /// <summary>Gets a model by id, or <see langword="null"/>.</summary>
    public SupervisionModel? Model(string id) => Models.Models.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));

    /// <summary>The field's name in its dataset's export (the column header), or the field's own name.</summary>
    public string FieldName(string dataset, string field)
    {
        string name = field.Contains('.', StringComparison.Ordinal) ? field[(field.LastIndexOf('.') + 1)..] : field;
        if (Models.Datasets.TryGetValue(dataset, out DatasetDefinition? definition) && definition.Schema.TryGetField(name, out FieldDefinition? found))
        {
            return found!.SourceName;
        }

        // A joined field (o.credit_code) or an aggregate: found in any dataset of that name, else shown as written.
        return Models.Datasets.Values.Select(d => d.Schema.TryGetField(name, out FieldDefinition? f) ? f!.SourceName : null).FirstOrDefault(s => s is not null) ?? field;
    }
}
