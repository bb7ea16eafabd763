using RuleEngine.Diagnostics;
using RuleEngine.Language;
using RuleEngine.Records;
using RuleEngine.Schema;
using Record = RuleEngine.Records.Record;

namespace RuleEngine.Tests.Support;

/// <summary>Parses, binds, compiles and evaluates single expressions over one record, for language tests.</summary>
internal static class Expressions
{
    public static DatasetSchema Schema { get; } = DatasetSchema.Create("t")
        .Add("i", FieldType.Long)
        .Add("j", FieldType.Long)
        .Add("d", FieldType.Decimal)
        .Add("f", FieldType.Double)
        .Add("s", FieldType.String)
        .Add("u", FieldType.String)
        .Add("b", FieldType.Bool)
        .Add("dt", FieldType.Date)
        .Add("dt2", FieldType.Date)
        .Add("ts", FieldType.DateTime)
        .Add("arr", FieldType.StringArray)
        .Add("id", FieldType.IdNumber)
        .Add("meta.term.months", FieldType.Int)
        .Build();

    public static RecordLayout Layout { get; } = new(Schema);

    /// <summary>Builds a record; fields not named are NULL.</summary>
    public static Record Row(params (string Field, object? Value)[] values)
    {
        Record record = Layout.CreateRecord();
        record.SetAllNull();
        record.Line = 1;
        foreach ((string field, object? value) in values)
        {
            int index = Schema.IndexOf(field);
            switch (value)
            {
                case null:
                    record.SetNull(index);
                    break;
                case long l:
                    record.SetInt64(index, l);
                    break;
                case int i:
                    record.SetInt64(index, i);
                    break;
                case bool b:
                    record.SetInt64(index, b ? 1 : 0);
                    break;
                case decimal m:
                    record.SetDecimal(index, m);
                    break;
                case double f:
                    record.SetDouble(index, f);
                    break;
                case DateOnly date:
                    record.SetInt64(index, date.DayNumber);
                    break;
                case DateTime dateTime:
                    record.SetInt64(index, dateTime.Ticks);
                    break;
                case string[] items:
                    record.SetArray(index, items);
                    break;
                case string s:
                    record.SetString(index, s);
                    break;
                default:
                    throw new ArgumentException($"Unsupported test value {value.GetType()}.");
            }
        }

        return record;
    }

    /// <summary>Evaluates an expression; dates come back as <see cref="DateOnly"/>, timestamps as <see cref="DateTime"/>, integers as long.</summary>
    public static object? Eval(string expression, Record? record = null)
    {
        (BoundExpression bound, _) = Bind(expression);
        Func<Record, object?> compiled = new ExpressionCompiler(Layout).CompileValue(bound);
        object? value = compiled(record ?? Row());
        return (bound.Type, value) switch
        {
            (_, null) => null,
            (LanguageType.Date, int day) => DateOnly.FromDayNumber(day),
            (LanguageType.Timestamp, long ticks) => new DateTime(ticks),
            _ => value,
        };
    }

    /// <summary>Evaluates a condition with three-valued logic: true, false or null (UNKNOWN).</summary>
    public static bool? Condition(string expression, Record? record = null)
    {
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText(expression, SourceLocation.None);
        SyntaxNode syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default) ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
        BoundExpression bound = new Binder(text, new BindingScope(Schema, ["t"]), diagnostics, "R").BindCondition(syntax);
        Assert.Empty(diagnostics.Items);
        return new ExpressionCompiler(Layout).CompileCondition(bound)(record ?? Row());
    }

    public static LanguageType TypeOf(string expression) => Bind(expression).Bound.Type;

    /// <summary>Every diagnostic of parsing and binding a condition, placed as if the condition started at line 1, column 1 of <c>rule.yaml</c>.</summary>
    public static IReadOnlyList<Diagnostic> Diagnose(string condition, LanguageLimits? limits = null)
    {
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText(condition, SourceLocation.At("rule.yaml", 1, 1));
        SyntaxNode? syntax = Parser.Parse(text, diagnostics, limits ?? LanguageLimits.Default);
        if (syntax is not null)
        {
            new Binder(text, new BindingScope(Schema, ["t"]), diagnostics, "R").BindCondition(syntax);
        }

        return diagnostics.Items;
    }

    public static Diagnostic Single(string condition) => Assert.Single(Diagnose(condition));

    private static (BoundExpression Bound, DiagnosticBag Diagnostics) Bind(string expression)
    {
        var diagnostics = new DiagnosticBag();
        var text = new ExpressionText(expression, SourceLocation.None);
        SyntaxNode syntax = Parser.Parse(text, diagnostics, LanguageLimits.Default) ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
        BoundExpression bound = new Binder(text, new BindingScope(Schema, ["t"]), diagnostics, "R").BindValue(syntax);
        if (diagnostics.HasErrors)
        {
            throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
        }

        return (bound, diagnostics);
    }
}
