using System.Globalization;
using System.Text;

namespace RuleEngine.Language;

/// <summary>A sub-expression that several rules share, and its slot in <see cref="Records.SharedValues"/>.</summary>
internal sealed record SharedSlot(int Index, LanguageType Type);

/// <summary>
/// Finds the function calls that more than one rule of a dataset makes with the same arguments, so the compiled
/// rules compute each once per record. Calls are compared by structure (function, arguments, literals), not by text.
/// </summary>
internal static class SharedSubexpressions
{
    public static IReadOnlyDictionary<string, SharedSlot> Find(IEnumerable<BoundExpression> conditions)
    {
        var rulesPerCall = new Dictionary<string, (int Rules, LanguageType Type)>(StringComparer.Ordinal);
        foreach (BoundExpression condition in conditions)
        {
            var calls = new Dictionary<string, LanguageType>(StringComparer.Ordinal);
            Collect(condition, calls);
            foreach ((string key, LanguageType type) in calls)
            {
                rulesPerCall[key] = (rulesPerCall.GetValueOrDefault(key).Rules + 1, type);
            }
        }

        var shared = new Dictionary<string, SharedSlot>(StringComparer.Ordinal);
        foreach ((string key, (int rules, LanguageType type)) in rulesPerCall.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (rules >= 2)
            {
                shared[key] = new SharedSlot(shared.Count, type);
            }
        }

        return shared;
    }

    /// <summary>The structural key of an expression: equal for equal computations, whatever their text or position.</summary>
    public static string Key(BoundExpression node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Collect(BoundExpression node, Dictionary<string, LanguageType> calls)
    {
        if (node is BoundCall { Function.Kind: FunctionKind.Strict } call && ReadsOnlyOwnRecord(call))
        {
            calls[Key(call)] = call.Type;
        }

        foreach (BoundExpression child in Children(node))
        {
            Collect(child, calls);
        }
    }

    private static bool ReadsOnlyOwnRecord(BoundExpression node) =>
        node is not BoundField { Source: not 0 } && Children(node).All(ReadsOnlyOwnRecord);

    private static IEnumerable<BoundExpression> Children(BoundExpression node) => BoundTree.Children(node);

    private static void Write(BoundExpression node, StringBuilder text)
    {
        text.Append(node.GetType().Name).Append(':').Append(node.Type).Append('(');
        switch (node)
        {
            case BoundLiteral literal:
                text.Append(literal.Value is null ? "null" : string.Create(CultureInfo.InvariantCulture, $"{literal.Value.GetType().Name}:{literal.Value}"));
                break;
            case BoundField field:
                text.Append(field.Source).Append('.').Append(field.FieldIndex);
                break;
            case BoundCall call:
                text.Append(call.Function.Name).Append('/').Append(call.Arguments.Count);
                break;
            case BoundUnary unary:
                text.Append(unary.Operator);
                break;
            case BoundBinary binary:
                text.Append(binary.Operator).Append('/').Append(binary.OperandType);
                break;
            case BoundLogical logical:
                text.Append(logical.IsAnd ? "and" : "or");
                break;
            case BoundIsNull or BoundIn or BoundLike:
                text.Append(node is BoundIsNull { Negated: true } or BoundIn { Negated: true } or BoundLike { Negated: true } ? "not" : "is");
                break;
            case BoundConvert convert:
                text.Append(convert.IsExplicit ? "cast" : "convert");
                break;
        }

        foreach (BoundExpression child in Children(node))
        {
            text.Append(',');
            Write(child, text);
        }

        text.Append(')');
    }
}
