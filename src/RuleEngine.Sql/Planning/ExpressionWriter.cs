using System.Globalization;
using System.Text;
using RuleEngine.Language;
using RuleEngine.Schema;

namespace RuleEngine.Sql.Planning;

/// <summary>A construct of the condition language that a dialect cannot evaluate as the engine does.</summary>
/// <param name="Span">Where it stands in its expression.</param>
/// <param name="Message">What cannot be pushed down, and why.</param>
/// <param name="Hint">How to write it so it can.</param>
internal sealed record NotPushable(TextSpan Span, string Message, string Hint);

/// <summary>
/// Writes a bound expression as SQL of one dialect with the engine's meaning: three-valued logic, NULL-strict
/// functions, code-point text order. A construct the dialect cannot match is collected in <see cref="Problems"/>
/// (and written as NULL), never dropped silently.
/// </summary>
/// <param name="syntax">The dialect.</param>
/// <param name="column">Writes a field of a slot of the record context (SQL of a column, or a typed NULL for a missing match).</param>
internal sealed class ExpressionWriter(SqlSyntax syntax, Func<BoundField, string> column)
{
    public List<NotPushable> Problems { get; } = [];

    public string Write(BoundExpression expression) => expression switch
    {
        BoundLiteral literal => Literal(literal.Type, literal.Value, literal.Span),
        BoundField field => column(field),
        BoundUnary unary => unary.Operator switch
        {
            UnaryOperator.Not => $"(NOT {Write(unary.Operand)})",
            UnaryOperator.Negate => $"(- {Write(unary.Operand)})",
            _ => Write(unary.Operand),
        },
        BoundBinary binary => Binary(binary),
        BoundLogical logical => "(" + string.Join(logical.IsAnd ? " AND " : " OR ", logical.Operands.Select(Write)) + ")",
        BoundIsNull isNull => $"({Write(isNull.Operand)} IS {(isNull.Negated ? "NOT " : string.Empty)}NULL)",
        BoundIn @in => In(@in),
        BoundLike like => syntax.Like(Write(like.Value), Write(like.Pattern), like.Negated),
        BoundCase @case => Case(@case),
        BoundCall call => Call(call),
        BoundConvert convert => Convert(convert),
        _ => Fail(expression.Span, "This expression did not bind.", "Fix the model's diagnostics first."),
    };

    public string Literal(LanguageType type, object? value, TextSpan span)
    {
        if (value is null)
        {
            return type is LanguageType.Null or LanguageType.Error ? "NULL" : $"CAST(NULL AS {syntax.CastType(type)})";
        }

        switch (value)
        {
            case bool b:
                return b ? "TRUE" : "FALSE";
            case string s when s.Contains('\0', StringComparison.Ordinal):
                return Fail(span, "A text literal holds a NUL character, which SQL text cannot hold.", "Remove the NUL character.");
            case string s:
                return SqlSyntax.Text(s);
            case string[] items:
                return syntax.ArrayLiteral(items.Select(SqlSyntax.Text));
        }

        return type switch
        {
            LanguageType.Int => System.Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            LanguageType.Decimal => DecimalLiteral((decimal)value),
            LanguageType.Double => $"CAST({SqlSyntax.Text(((double)value).ToString("R", CultureInfo.InvariantCulture))} AS {syntax.CastType(LanguageType.Double)})",
            LanguageType.Date => SqlSyntax.Date(System.Convert.ToInt32(value, CultureInfo.InvariantCulture)),
            LanguageType.Timestamp when (long)value % 10 != 0 => Fail(span, "A timestamp literal has a precision finer than a microsecond.", "Round the timestamp to microseconds."),
            LanguageType.Timestamp => SqlSyntax.Timestamp((long)value),
            _ => Fail(span, $"A literal of type {type.Display()} has no SQL form.", "Write the value as text and CAST it."),
        };
    }

    /// <summary>A decimal as an exact SQL numeric literal (<c>100000.0</c>, never an integer literal that could overflow).</summary>
    private static string DecimalLiteral(decimal value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        return "(" + (text.Contains('.', StringComparison.Ordinal) ? text : text + ".0") + ")";
    }

    private string Binary(BoundBinary binary)
    {
        string left = Write(binary.Left);
        string right = Write(binary.Right);
        switch (binary.Operator)
        {
            case BinaryOperator.Add when binary.OperandType == LanguageType.Date:
                return $"({left} + CAST({right} AS INTEGER))";
            case BinaryOperator.Subtract when binary.OperandType == LanguageType.Date && binary.Type == LanguageType.Date:
                return $"({left} - CAST({right} AS INTEGER))";
            case BinaryOperator.Subtract when binary.OperandType == LanguageType.Date:
                return $"CAST({left} - {right} AS {syntax.CastType(LanguageType.Int)})";
            case BinaryOperator.Divide:
                if (!syntax.HasExactDivision)
                {
                    return Fail(binary.Span, $"Division: the engine divides exactly and fails on zero; {syntax.Dialect} divides in double precision.", "Multiply instead of dividing (a > b * c rather than a / b > c), or run this model in-process or on PostgreSQL.");
                }

                return $"({Numeric(left, binary.Left.Type)} / {NonZero(right)})";
            case BinaryOperator.Modulo:
                return $"({left} % {NonZero(right)})";
            case BinaryOperator.Concat:
                return $"({left} || {right})";
            case BinaryOperator.Equal or BinaryOperator.NotEqual:
                return $"({left} {binary.Operator.Symbol()} {right})";
            case BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
                string collation = binary.OperandType == LanguageType.Text ? syntax.OrderingCollation : string.Empty;
                return $"({left} {binary.Operator.Symbol()} {right}{collation})";
            default:
                return $"({left} {binary.Operator.Symbol()} {right})";
        }
    }

    /// <summary>A divisor that fails on zero, as the engine's division and modulo do (RE4002), instead of giving NULL.</summary>
    private string NonZero(string divisor) => syntax.Dialect == SqlDialect.DuckDb
        ? $"(CASE WHEN {divisor} = 0 THEN error('RE4002: division by zero') ELSE {divisor} END)"
        : divisor;

    private string Numeric(string value, LanguageType type) => type == LanguageType.Int ? $"CAST({value} AS {syntax.CastType(LanguageType.Decimal)})" : value;

    private string In(BoundIn @in)
    {
        if (@in.Items.Count == 0)
        {
            return @in.Negated ? "TRUE" : "FALSE";
        }

        return $"({Write(@in.Value)} {(@in.Negated ? "NOT " : string.Empty)}IN ({string.Join(", ", @in.Items.Select(Write))}))";
    }

    private string Case(BoundCase @case)
    {
        var builder = new StringBuilder("CASE");
        foreach ((BoundExpression when, BoundExpression then) in @case.Branches)
        {
            builder.Append(" WHEN ").Append(Write(when)).Append(" THEN ").Append(Write(then));
        }

        if (@case.Else is { } otherwise)
        {
            builder.Append(" ELSE ").Append(Write(otherwise));
        }

        return builder.Append(" END").ToString();
    }

    private string Convert(BoundConvert convert)
    {
        string operand = Write(convert.Operand);
        LanguageType from = convert.Operand.Type;
        LanguageType to = convert.Type;
        if (from == to || from == LanguageType.Null)
        {
            return from == LanguageType.Null ? $"CAST(NULL AS {syntax.CastType(to)})" : operand;
        }

        if (to == LanguageType.Text && from == LanguageType.Decimal && syntax.Dialect == SqlDialect.DuckDb)
        {
            return Fail(convert.Span, "CAST of a decimal to text: the engine keeps the value's own scale; DuckDB pads to the column's scale.", "Compare the number itself rather than its text.");
        }

        if (to == LanguageType.Text && from == LanguageType.Bool)
        {
            return $"CASE WHEN {operand} THEN 'true' WHEN NOT {operand} THEN 'false' END";
        }

        if (to == LanguageType.Text && from == LanguageType.Date)
        {
            return $"CAST({operand} AS {syntax.CastType(LanguageType.Text)})";
        }

        if (to == LanguageType.Text && from == LanguageType.Timestamp)
        {
            return Fail(convert.Span, "CAST of a timestamp to text formats fractions differently in SQL.", "Compare the timestamp itself, or its date.");
        }

        if (from == LanguageType.Text && to is LanguageType.Date or LanguageType.Timestamp or LanguageType.Bool)
        {
            return Fail(convert.Span, $"CAST of text to {to.Display()}: the engine accepts more formats (yyyy/MM/dd, yyyy年M月d日, 是/否) than SQL does.", "Declare the field with its type in the dataset, so it is converted when read.");
        }

        return $"CAST({operand} AS {syntax.CastType(to)})";
    }

    private string Call(BoundCall call)
    {
        string[] a = [.. call.Arguments.Select(Write)];
        string Strict(string sql) => a.Length == 0 ? sql : $"CASE WHEN {string.Join(" OR ", a.Select(x => x + " IS NULL"))} THEN NULL ELSE {sql} END";
        long LiteralInt(int index) => call.Arguments[index] is BoundLiteral { Value: { } v } ? System.Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;
        string LiteralText(int index) => call.Arguments[index] is BoundLiteral { Value: string s } ? s : string.Empty;

        // The binder accepted the pattern in the language's one dialect; each engine gets its own spelling of it.
        string Pattern() => RegexDialect.TryTranslate(LiteralText(1), syntax.RegexTarget, out string translated, out _) ? SqlSyntax.Text(translated) : a[1];
        switch (call.Function.Name)
        {
            case "length":
                return $"CAST(length({a[0]}) AS {syntax.CastType(LanguageType.Int)})";
            case "lower" or "upper" or "abs" or "floor" or "ceil":
                return $"{call.Function.Name}({a[0]})";
            case "trim":
                return syntax.Trim(a[0]);
            case "nfkc" when syntax.HasNfkc:
                return $"normalize({a[0]}, NFKC)";
            case "substr":
                return syntax.Substr(a[0], a[1], a.Length > 2 ? a[2] : null);
            case "contains":
                return syntax.ContainsText(a[0], a[1]);
            case "starts_with":
                return $"starts_with({a[0]}, {a[1]})";
            case "ends_with":
                return syntax.EndsWith(a[0], a[1]);
            case "regexp_like":
                return syntax.RegexLike(a[0], Pattern());
            case "regexp_extract":
                return syntax.RegexExtract(a[0], Pattern(), a.Length > 2 ? LiteralInt(2) : 0);
            case "round" when call.Arguments[0].Type != LanguageType.Double:
                return $"round({string.Join(", ", a.Select((x, i) => i == 1 ? $"CAST({x} AS INTEGER)" : x))})";
            case "coalesce" or "least" or "greatest":
                return $"{call.Function.Name}({string.Join(", ", a)})";
            case "year":
                return syntax.Year(a[0]);
            case "month":
                return syntax.Month(a[0]);
            case "day":
                return syntax.Day(a[0]);
            case "date_add":
                string unit = a.Length > 2 ? LiteralText(2) : "day";
                return unit switch
                {
                    "month" => syntax.AddMonths(a[0], a[1]),
                    "year" => syntax.AddMonths(a[0], $"(12 * {a[1]})"),
                    _ => $"({a[0]} + CAST({a[1]} AS INTEGER))",
                };
            case "days_between":
                return $"CAST({a[1]} - {a[0]} AS {syntax.CastType(LanguageType.Int)})";
            case "year_month":
                return $"CAST(date_trunc('month', {a[0]}) AS {syntax.CastType(LanguageType.Date)})";
            case "date":
                return $"CAST({a[0]} AS {syntax.CastType(LanguageType.Date)})";
            case "months_between":
                return syntax.Helper("re_full_months", a[0], a[1]);
            case "age_at":
                return syntax.IntegerDivide(syntax.Helper("re_full_months", a[0], a[1]), "12");
            case "overlaps":
                return Strict($"({a[0]} <= {a[3]} AND {a[2]} <= {a[1]})");
            case "array_contains":
                return syntax.ArrayContains(a[0], a[1]);
            case "array_length":
                return syntax.ArrayLength(a[0]);
            case "id_valid":
                return Strict($"({syntax.Helper("re_id_birth", a[0])} IS NOT NULL)");
            case "id_birth_date":
                return syntax.Helper("re_id_birth", a[0]);
            case "id_age_at":
                return syntax.IntegerDivide(syntax.Helper("re_full_months", syntax.Helper("re_id_birth", a[0]), a[1]), "12");
            case "id_gender":
                return $"CASE WHEN {syntax.Helper("re_id_birth", a[0])} IS NOT NULL THEN CASE WHEN CAST(substr({syntax.Helper("re_key", a[0])}, 17, 1) AS INTEGER) % 2 = 1 THEN '男' ELSE '女' END END";
            case "id_region":
                return $"CASE WHEN {syntax.Helper("re_id_birth", a[0])} IS NOT NULL THEN substr({syntax.Helper("re_key", a[0])}, 1, 6) END";
            default:
                return Fail(call.Span, $"The function {call.Function.Name} has no counterpart in {syntax.Dialect} with the engine's meaning.", NotPushableHint(call.Function.Name));
        }
    }

    private static string NotPushableHint(string function) => function switch
    {
        "round" => "Round decimals, not doubles: declare the field as decimal.",
        "nfkc" => "Normalise the text when the data is loaded, or run this model in-process or on PostgreSQL.",
        _ => "Run this model in-process, or test the value with the functions listed as pushable in docs/scale-out.md.",
    };

    private string Fail(TextSpan span, string message, string hint)
    {
        Problems.Add(new NotPushable(span, message, hint));
        return "NULL";
    }
}
