using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Schema;

namespace RuleEngine.Language;

/// <summary>
/// Turns the aggregate calls of a window's <c>having</c> and of its clue's computed values (<c>count()</c>,
/// <c>count_distinct(f)</c>, <c>sum(f)</c>, <c>avg(f)</c>, <c>min(f)</c>, <c>max(f)</c>) into fields of a small aggregate
/// record, so the rest binds and compiles as any expression. The <c>group_by</c> field named bare is the group's key.
/// </summary>
internal static class AggregateRewriter
{
    private static readonly string[] Functions = ["count", "count_distinct", "sum", "avg", "min", "max"];

    public static string FieldName(int index) => "__aggregate" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Rewrites one expression; <paramref name="group"/>, the window's <c>group_by</c> field, named bare is the group's key (one value for all its records).</summary>
    public static SyntaxNode Rewrite(SyntaxNode node, ExpressionText text, DatasetSchema schema, int group, List<AggregateSpec> aggregates, DiagnosticBag diagnostics, string ruleId)
    {
        SyntaxNode Visit(SyntaxNode n) => Rewrite(n, text, schema, group, aggregates, diagnostics, ruleId);
        return node switch
        {
            CallSyntax call when Functions.Contains(call.Name) => Aggregate(call, text, schema, aggregates, diagnostics, ruleId),
            NameSyntax name when FieldOf(name, schema) == group => Field(name, Key, group, text.Slice(name.Span), KeyType(schema.Fields[group].Type), aggregates),
            CallSyntax call => call with { Arguments = [.. call.Arguments.Select(Visit)] },
            UnarySyntax unary => unary with { Operand = Visit(unary.Operand) },
            BinarySyntax binary => binary with { Left = Visit(binary.Left), Right = Visit(binary.Right) },
            LogicalSyntax logical => logical with { Operands = [.. logical.Operands.Select(Visit)] },
            BetweenSyntax between => between with { Value = Visit(between.Value), Low = Visit(between.Low), High = Visit(between.High) },
            InSyntax @in => @in with { Value = Visit(@in.Value), Items = [.. @in.Items.Select(Visit)] },
            LikeSyntax like => like with { Value = Visit(like.Value), Pattern = Visit(like.Pattern) },
            IsNullSyntax isNull => isNull with { Value = Visit(isNull.Value) },
            CaseSyntax @case => @case with { Branches = [.. @case.Branches.Select(b => (Visit(b.When), Visit(b.Then)))], Else = @case.Else is null ? null : Visit(@case.Else) },
            CastSyntax cast => cast with { Value = Visit(cast.Value) },
            _ => node,
        };
    }

    private static SyntaxNode Aggregate(CallSyntax call, ExpressionText text, DatasetSchema schema, List<AggregateSpec> aggregates, DiagnosticBag diagnostics, string ruleId)
    {
        string written = text.Slice(call.Span);
        int expected = call.Name == "count" ? 0 : 1;
        if (call.Arguments.Count != expected)
        {
            diagnostics.Error(DiagnosticIds.WrongArgumentCount, $"'{call.Name}' takes {(expected == 0 ? "no argument" : "one field")}.", text.Locate(call.Span), call.Name == "count" ? "Write count()." : $"Write {call.Name}(field).", ruleId);
            return new LiteralSyntax(call.Span, LiteralKind.Null, null);
        }

        int field = -1;
        FieldType type = FieldType.Long;
        if (expected == 1)
        {
            if (call.Arguments[0] is not NameSyntax name || schema.IndexOf(name.Parts.Count > 1 ? string.Join('.', name.Parts.Skip(1)) : name.Dotted) is var index && index < 0 && (index = schema.IndexOf(name.Dotted)) < 0)
            {
                string? suggestion = call.Arguments[0] is NameSyntax n ? NameSuggester.Closest(n.Dotted, schema.Fields.Select(f => f.Name)) : null;
                diagnostics.Error(DiagnosticIds.UnknownField, $"'{call.Name}' needs a field of dataset '{schema.Name}'.", text.Locate(call.Arguments[0].Span), suggestion is null ? null : $"Did you mean '{suggestion}'?", ruleId);
                return new LiteralSyntax(call.Span, LiteralKind.Null, null);
            }

            field = index;
            FieldType fieldType = schema.Fields[field].Type;
            switch (call.Name)
            {
                case "sum" when fieldType is FieldType.Int or FieldType.Long:
                    type = FieldType.Long;
                    break;
                case "sum" when fieldType is FieldType.Decimal or FieldType.Double:
                    type = fieldType;
                    break;
                case "avg" when fieldType is FieldType.Int or FieldType.Long or FieldType.Decimal:
                    type = FieldType.Decimal;
                    break;
                case "avg" when fieldType is FieldType.Double:
                    type = FieldType.Double;
                    break;
                case "sum" or "avg":
                    diagnostics.Error(DiagnosticIds.TypeMismatch, $"{call.Name} needs a number, and '{schema.Fields[field].Name}' is {fieldType}.", text.Locate(call.Arguments[0].Span), null, ruleId);
                    return new LiteralSyntax(call.Span, LiteralKind.Null, null);
                case "min" or "max" when fieldType == FieldType.StringArray:
                    diagnostics.Error(DiagnosticIds.TypeMismatch, $"{call.Name} cannot order a list field.", text.Locate(call.Arguments[0].Span), null, ruleId);
                    return new LiteralSyntax(call.Span, LiteralKind.Null, null);
                case "min" or "max":
                    type = fieldType == FieldType.Int ? FieldType.Long : fieldType;
                    break;
            }
        }

        return Field(call, call.Name, field, written, type, aggregates);
    }

    /// <summary>The pseudo-aggregate that stands for the group's key: the <c>group_by</c> field's value, the same in every record of the group.</summary>
    public const string Key = "key";

    private static int FieldOf(NameSyntax name, DatasetSchema schema) =>
        schema.IndexOf(name.Dotted) is >= 0 and int bare ? bare : name.Parts.Count > 1 ? schema.IndexOf(string.Join('.', name.Parts.Skip(1))) : -1;

    private static FieldType KeyType(FieldType type) => type == FieldType.Int ? FieldType.Long : type;

    /// <summary>The aggregate record's field for an aggregate, added once however often it is written.</summary>
    private static NameSyntax Field(SyntaxNode written, string function, int field, string text, FieldType type, List<AggregateSpec> aggregates)
    {
        int existing = aggregates.FindIndex(a => a.Function == function && a.Field == field);
        if (existing < 0)
        {
            aggregates.Add(new AggregateSpec(function, field, text, type));
            existing = aggregates.Count - 1;
        }

        return new NameSyntax(written.Span, [FieldName(existing)]);
    }
}
