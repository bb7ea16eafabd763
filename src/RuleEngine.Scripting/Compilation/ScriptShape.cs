using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RuleEngine.Scripting.Compilation;

/// <summary>
/// What a script may be made of, checked on its syntax before anything is compiled — statements, local functions
/// and variables; no types, static fields, directives or attributes — and the hints C# errors get. Shared by rule
/// scripts and the submissions of an interactive session.
/// </summary>
internal static class ScriptShape
{
    /// <summary>Reports each construct a script may not contain (code, message, start, length, hint).</summary>
    public static void Check(CompilationUnitSyntax script, Action<string, string, int, int, string?> error)
    {
        foreach (SyntaxTrivia directive in script.DescendantTrivia(descendIntoTrivia: true).Where(t => t.IsDirective || t.IsKind(SyntaxKind.ShebangDirectiveTrivia)))
        {
            error(ScriptDiagnosticIds.DirectiveNotAllowed, "Scripts cannot use preprocessor directives (#r, #load, #line, #if, ...).", directive.Span.Start, directive.Span.Length, "A script uses only what the allow-list offers; it cannot load assemblies or files.");
        }

        foreach (UsingDirectiveSyntax directive in script.Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword)))
        {
            error(ScriptDiagnosticIds.DirectiveNotAllowed, "Scripts cannot use 'global using': a script's usings are its own.", directive.Span.Start, directive.Span.Length, "Write 'using' without 'global'.");
        }

        foreach (ExternAliasDirectiveSyntax alias in script.Externs)
        {
            error(ScriptDiagnosticIds.UnsafeCodeNotAllowed, "Scripts cannot use extern aliases.", alias.Span.Start, alias.Span.Length, null);
        }

        foreach (AttributeListSyntax attributes in script.AttributeLists)
        {
            error(ScriptDiagnosticIds.UnsafeCodeNotAllowed, "Scripts cannot use attributes.", attributes.Span.Start, attributes.Span.Length, null);
        }

        foreach (MemberDeclarationSyntax member in script.Members)
        {
            switch (member)
            {
                case GlobalStatementSyntax:
                    break;
                case MethodDeclarationSyntax:
                    break;
                case FieldDeclarationSyntax field when field.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword)):
                    error(ScriptDiagnosticIds.StaticStateNotAllowed, "Scripts cannot declare static fields: a value would carry over from one record to the next.", field.Span.Start, field.Span.Length, "Use a local variable.");
                    break;
                case FieldDeclarationSyntax:
                    break;
                default:
                    error(ScriptDiagnosticIds.DeclarationNotAllowed, "Scripts cannot declare types, namespaces, properties or events (code that could run when the assembly loads).", member.Span.Start, Math.Min(member.Span.Length, 1), "Use local functions and local variables.");
                    break;
            }
        }
    }

    /// <summary>The hint for a C# error: a misspelt property of the record gets the nearest field's.</summary>
    /// <param name="diagnostic">The compiler's diagnostic.</param>
    /// <param name="text">The compiled text the diagnostic's span is in.</param>
    /// <param name="properties">The record view's properties.</param>
    public static string? HintFor(Microsoft.CodeAnalysis.Diagnostic diagnostic, string text, IReadOnlyDictionary<string, string> properties)
    {
        if (diagnostic.Id != "CS1061" || !diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(ScriptSource.ViewStruct, StringComparison.Ordinal))
        {
            return null;
        }

        Microsoft.CodeAnalysis.Text.TextSpan span = diagnostic.Location.SourceSpan;
        return RuleEngine.Language.NameSuggester.Closest(text.Substring(span.Start, span.Length), properties.Keys) is { } near
            ? $"Did you mean 'r.{near}'?"
            : "The record has a property per field of the dataset's schema.";
    }
}
