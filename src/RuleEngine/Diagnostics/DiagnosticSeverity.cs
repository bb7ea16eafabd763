namespace RuleEngine.Diagnostics;

/// <summary>How serious a <see cref="Diagnostic"/> is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Information only; nothing is wrong.</summary>
    Info,

    /// <summary>Something is probably wrong, but the model still compiles.</summary>
    Warning,

    /// <summary>The model cannot be compiled until this is fixed.</summary>
    Error,
}
