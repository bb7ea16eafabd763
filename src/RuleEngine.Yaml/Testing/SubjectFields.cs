using RuleEngine.Schema;

namespace RuleEngine.Yaml;

/// <summary>The fields a rule's clues name their subject by, as a model test and the data generator read an expected subject.</summary>
internal static class SubjectFields
{
    /// <summary>
    /// The definition of each part of the rule's subject — its window's group, else its clue's subject, else its
    /// dataset's key — whether written bare or qualified by the rule's alias, its dataset's name or a join's alias;
    /// <see langword="null"/> for a name that is none of these (the rule itself reports it).
    /// </summary>
    /// <param name="rule">The rule.</param>
    /// <param name="schemaOf">The schema of a dataset by name, or <see langword="null"/>.</param>
    public static FieldDefinition?[] Of(RuleDefinition rule, Func<string, DatasetSchema?> schemaOf)
    {
        DatasetSchema? own = schemaOf(rule.Dataset);
        IReadOnlyList<string> names = rule.Window is { } window ? [window.GroupBy]
            : rule.Clue.SubjectKey.Count > 0 ? rule.Clue.SubjectKey
            : own?.KeyFields ?? [];
        return [.. names.Select(name => Find(rule, own, schemaOf, name))];
    }

    private static FieldDefinition? Find(RuleDefinition rule, DatasetSchema? own, Func<string, DatasetSchema?> schemaOf, string name)
    {
        if (own is not null && own.TryGetField(name, out FieldDefinition? field))
        {
            return field;
        }

        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        string alias = name[..dot];
        DatasetSchema? source = alias == rule.Alias || alias == rule.Dataset ? own
            : rule.Joins.FirstOrDefault(j => j.Alias == alias) is { } join ? schemaOf(join.Dataset)
            : null;
        return source is not null && source.TryGetField(name[(dot + 1)..], out FieldDefinition? qualified) ? qualified : null;
    }
}
