using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RuleEngine.Schema;

namespace RuleEngine.Scripting.Compilation;

/// <summary>
/// The C# file a script compiles as: the author's usings, the parameters as constants of a class <c>p</c>, and the
/// script as the body of <c>Run</c>, after the line that makes <c>r</c>, in a namespace inside its record view's
/// (<see cref="RecordViewSource"/>, a file of its own shared by every script over the schema). Remembers where each
/// piece of the author's text went, so positions map back.
/// </summary>
internal sealed class ScriptSource
{
    private const string NamespacePlaceholder = "S0000000000000000";
    public const string RuleClass = "ScriptRule";
    public const string ViewStruct = "RecordView";
    public const string ParameterClass = "p";
    public const string GuardName = "__reGuard";
    public const string EntryPoint = "Run";
    public const string ReservedPrefix = "__re";

    private const string Runtime = "global::RuleEngine.Scripting.Runtime";

    private readonly List<(int Generated, int Original, int Length)> _segments = [];

    private ScriptSource(string text, RecordViewSource view)
    {
        Text = text;
        View = view;
    }

    /// <summary>Gets the generated C# text.</summary>
    public string Text { get; private set; }

    /// <summary>Gets the namespace of the generated types, named after the content.</summary>
    public string Namespace { get; private set; } = string.Empty;

    /// <summary>Gets the full name of the class whose <see cref="EntryPoint"/> runs the script.</summary>
    public string RuleTypeName => $"{Namespace}.{RuleClass}";

    /// <summary>Gets the record view the script reads the record through.</summary>
    public RecordViewSource View { get; }

    /// <summary>Gets the field name behind each property of the record view.</summary>
    public IReadOnlyDictionary<string, string> Properties => View.Properties;

    /// <summary>Gets the spans of the generated text that are the author's own.</summary>
    public IEnumerable<Microsoft.CodeAnalysis.Text.TextSpan> UserSpans => _segments.Select(s => new Microsoft.CodeAnalysis.Text.TextSpan(s.Generated, s.Length));

    /// <summary>Builds the file from a script already parsed as a C# script.</summary>
    /// <param name="code">The author's script.</param>
    /// <param name="script">The script, parsed as a C# script.</param>
    /// <param name="view">The record view of the schema the script reads.</param>
    /// <param name="parameters">The model's parameters.</param>
    /// <param name="guard">The budgets, for scripts with loops or calls; <see langword="null"/> for straight-line scripts, which need none.</param>
    public static ScriptSource Build(string code, CompilationUnitSyntax script, RecordViewSource view, IReadOnlyDictionary<string, object?> parameters, ScriptLimits? guard)
    {
        var text = new StringBuilder();
        var source = new ScriptSource(string.Empty, view);
        text.Append("#nullable enable\nusing System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing RuleEngine.Scripting.Api;\n");
        int bodyStart = 0;
        foreach (UsingDirectiveSyntax directive in script.Usings)
        {
            source.Append(text, code, directive.FullSpan.Start, directive.FullSpan.Length);
            text.Append('\n');
            bodyStart = directive.FullSpan.End;
        }

        // Inside the view's namespace, where RecordView is found before anything the usings bring in.
        int namespaceAt = text.Length + "namespace ".Length + view.Namespace.Length + 1;
        text.Append("namespace ").Append(view.Namespace).Append('.').Append(NamespacePlaceholder).Append("\n{\n");
        text.Append("public static class ").Append(RuleClass).Append("\n{\n");
        AppendParameters(text, parameters, "    ");
        // The script is the body of Run itself, so stack traces of its faults carry its own lines (nothing to inline).
        text.Append("    public static bool Run(object __reRecordObject)\n    {\n");
        text.Append($"        {ViewStruct} r = new {ViewStruct}(new {Runtime}.ScriptRecord(__reRecordObject));");
        if (guard is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" {Runtime}.ScriptGuard {GuardName} = {Runtime}.ScriptGuard.Begin({guard.MaxSteps}L, {guard.MaxCallDepth}, {guard.MaxAllocatedBytes}L, {guard.MaxArrayLength}, {guard.ProcessCeiling}L);");
        }

        text.Append('\n');

        // A script may end in an expression without ';' (its value); it is the rule's outcome, unknown counting as false.
        if (script.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } last })
        {
            source.Append(text, code, bodyStart, last.Expression.SpanStart - bodyStart);
            text.Append("return ").Append(Runtime).Append(".ScriptResult.IsTrue(");
            source.Append(text, code, last.Expression.SpanStart, last.Expression.Span.Length);
            text.Append(");");
            source.Append(text, code, last.Expression.Span.End, code.Length - last.Expression.Span.End);
        }
        else
        {
            source.Append(text, code, bodyStart, code.Length - bodyStart);
        }

        text.Append("\n    }\n}\n}\n");
        // The namespace is named after the content, so scripts loaded together never clash and the same script is the
        // same type wherever it comes from. Same length as the placeholder: no offset moves.
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 8);
        text.Remove(namespaceAt, NamespacePlaceholder.Length).Insert(namespaceAt, "S" + hash);
        source.Namespace = view.Namespace + ".S" + hash;
        source.Text = text.ToString();
        return source;
    }

    /// <summary>
    /// Appends the <c>RecordView</c> struct: a typed, nullable property per field of <paramref name="schema"/>, named in
    /// PascalCase, reading the record's slots.
    /// </summary>
    /// <param name="text">The text to append to.</param>
    /// <param name="schema">The schema of the record.</param>
    /// <param name="properties">Receives the field name behind each property.</param>
    public static void AppendRecordView(StringBuilder text, DatasetSchema schema, IDictionary<string, string> properties)
    {
        text.Append("public readonly struct ").Append(ViewStruct).Append("\n{\n");
        text.Append("    private readonly ").Append(Runtime).Append(".ScriptRecord __reRecord;\n");
        text.Append("    public ").Append(ViewStruct).Append('(').Append(Runtime).Append(".ScriptRecord record) { __reRecord = record; }\n");
        var layout = new Records.RecordLayout(schema);
        for (int i = 0; i < schema.Fields.Count; i++)
        {
            FieldDefinition field = schema.Fields[i];
            string name = PropertyName(field.Name, properties.Keys);
            properties[name] = field.Name;
            (string type, string reader) = field.Type switch
            {
                FieldType.Int => ("int?", "Int32"),
                FieldType.Long => ("long?", "Int64"),
                FieldType.Bool => ("bool?", "Boolean"),
                FieldType.Date or FieldType.YearMonth => ("global::System.DateOnly?", "Date"),
                FieldType.DateTime => ("global::System.DateTime?", "DateTime"),
                FieldType.Double => ("double?", "Double"),
                FieldType.Decimal => ("decimal?", "Decimal"),
                FieldType.StringArray => ("global::RuleEngine.Scripting.Api.TextList?", "Texts"),
                _ => ("string?", "String"),
            };
            text.Append(CultureInfo.InvariantCulture, $"    public {type} {name} => __reRecord.{reader}({i}, {layout.Slots[i]});\n");
        }

        text.Append("}\n");
    }

    /// <summary>Appends the static class <c>p</c> that holds the parameters as constants and read-only fields.</summary>
    /// <param name="text">The text to append to.</param>
    /// <param name="parameters">The parameters, with the values that apply.</param>
    /// <param name="indent">The indentation of the class.</param>
    public static void AppendParameters(StringBuilder text, IReadOnlyDictionary<string, object?> parameters, string indent)
    {
        text.Append(CultureInfo.InvariantCulture, $"{indent}public static class {ParameterClass}\n{indent}{{\n");
        var parameterNames = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string parameter, object? value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string name = PropertyName(parameter, parameterNames);
            if (ParameterDeclaration(name, value) is { } declaration)
            {
                parameterNames.Add(name);
                text.Append(indent).Append("    ").Append(declaration).Append('\n');
            }
        }

        text.Append(indent).Append("}\n");
    }

    /// <summary>
    /// Whether a script needs a guard: it can loop or call itself, or it calls methods, creates objects or concatenates
    /// text (straight-line code that can allocate without bound: nine chained <c>Replace</c> calls reach gigabytes).
    /// A script of comparisons and field reads alone needs none.
    /// </summary>
    public static bool NeedsGuard(CompilationUnitSyntax script) => script.DescendantNodes().Any(n => n is WhileStatementSyntax or DoStatementSyntax
        or ForStatementSyntax or CommonForEachStatementSyntax or LocalFunctionStatementSyntax or MethodDeclarationSyntax
        or AnonymousFunctionExpressionSyntax or ArrayCreationExpressionSyntax or GotoStatementSyntax
        or InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or FinallyClauseSyntax
        or BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } or AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression });

    /// <summary>Maps a span of the generated text to the author's text; <see langword="null"/> for generated code.</summary>
    public (int Start, int Length)? ToOriginal(int start, int length)
    {
        foreach ((int generated, int original, int segmentLength) in _segments)
        {
            if (start >= generated && start <= generated + segmentLength)
            {
                int offset = start - generated;
                return (original + offset, Math.Min(length, segmentLength - offset));
            }
        }

        return null;
    }

    /// <summary>Turns a field or parameter name into a property name: <c>judgment_date</c> → <c>JudgmentDate</c>.</summary>
    public static string PropertyName(string name, IEnumerable<string> taken)
    {
        var builder = new StringBuilder();
        bool upper = true;
        foreach (char c in name)
        {
            if (c is '_' or '-' or '.' or ' ')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        string candidate = builder.ToString();
        if (!SyntaxFacts.IsValidIdentifier(candidate) || SyntaxFacts.GetKeywordKind(candidate) != SyntaxKind.None || candidate.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            candidate = "F" + candidate;
        }

        string unique = candidate;
        for (int n = 2; taken.Contains(unique) || !SyntaxFacts.IsValidIdentifier(unique); n++)
        {
            unique = candidate + n.ToString(CultureInfo.InvariantCulture);
            if (!SyntaxFacts.IsValidIdentifier(unique))
            {
                unique = "Field" + n.ToString(CultureInfo.InvariantCulture);
            }
        }

        return unique;
    }

    private static string? ParameterDeclaration(string name, object? value)
    {
        static string Literal(object item) => item switch
        {
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            bool b => b ? "true" : "false",
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            decimal d => d.ToString(CultureInfo.InvariantCulture) + "m",
            double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture) + "d",
            DateOnly date => string.Create(CultureInfo.InvariantCulture, $"new global::System.DateOnly({date.Year}, {date.Month}, {date.Day})"),
            DateTime time => string.Create(CultureInfo.InvariantCulture, $"new global::System.DateTime({time.Ticks}L)"),
            _ => throw new NotSupportedException(),
        };

        static string? TypeOf(object item) => item switch
        {
            string => "string",
            bool => "bool",
            int => "int",
            long => "long",
            decimal => "decimal",
            double d when double.IsFinite(d) => "double",
            DateOnly => "global::System.DateOnly",
            DateTime => "global::System.DateTime",
            _ => null,
        };

        switch (value)
        {
            case null:
                return null;
            case DateOnly or DateTime:
                return $"public static readonly {TypeOf(value)} {name} = {Literal(value)};";
            case string:
                return $"public const string {name} = {Literal(value)};";
            case System.Collections.IEnumerable items:
                object[] list = [.. items.Cast<object>()];
                if (list.Length > 0 && list.All(i => i is string))
                {
                    return $"public static readonly global::RuleEngine.Scripting.Api.TextList {name} = new global::RuleEngine.Scripting.Api.TextList(new string[] {{ {string.Join(", ", list.Select(Literal))} }});";
                }

                string? element = list.Length > 0 ? TypeOf(list[0]) : null;
                return element is null || list.Any(i => TypeOf(i) != element)
                    ? null
                    : $"public static readonly global::System.Collections.Generic.IReadOnlyList<{element}> {name} = global::System.Array.AsReadOnly(new {element}[] {{ {string.Join(", ", list.Select(Literal))} }});";
            default:
                return TypeOf(value) is { } type ? $"public const {type} {name} = {Literal(value)};" : null;
        }
    }

    private void Append(StringBuilder text, string code, int start, int length)
    {
        if (length <= 0)
        {
            return;
        }

        _segments.Add((text.Length, start, length));
        text.Append(code, start, length);
    }
}
