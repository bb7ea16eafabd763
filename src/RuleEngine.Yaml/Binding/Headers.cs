using FluentValidation;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Reading;

namespace RuleEngine.Yaml.Binding;

/// <summary>The scalar settings of a model file, with where each was written, for validation.</summary>
internal sealed record ModelHeader(string? Id, string? Version, string? Name, string? Status, string? Branch, string? Region, Func<string, SourceLocation> Locate);

internal sealed record RuleHeader(string Id, Func<string, SourceLocation> Locate);

internal sealed record ClueHeader(string? Severity, Func<string, SourceLocation> Locate);

internal sealed record ParameterHeader(string Name, string? Type, string? Justification, Func<string, SourceLocation> Locate);

internal sealed record DatasetHeader(string? Name, string? Format, string? Encoding, string? Separator, Func<string, SourceLocation> Locate)
{
    public string? Sheet { get; init; }

    public string? HeaderRow { get; init; }
}

internal sealed record FieldHeader(string? Name, string? Type, string? Personal, Func<string, SourceLocation> Locate);

/// <summary>What a validation failure carries besides its message: where it is, and a hint.</summary>
internal sealed record FailureState(SourceLocation Location, string? Hint);

/// <summary>The value sets and name patterns of the model format, declared once.</summary>
internal static class Vocabulary
{
    public static readonly string[] Statuses = ["draft", "review", "listed", "retired"];
    public static readonly string[] Branches = ["刑事", "民事", "行政", "公益诉讼"];
    public static readonly string[] Severities = ["low", "medium", "high"];
    public static readonly string[] Formats = ["csv", "jsonl", "xlsx"];
    public static readonly string[] Encodings = ["auto", "utf-8", "gb18030", "gbk"];
    public static readonly string[] PersonalKinds = ["none", "id_number", "name", "phone", "other", "text"];
    public static readonly string[] FieldTypes = ["string", "int", "long", "decimal", "double", "bool", "date", "datetime", "year_month", "id_number", "credit_code", "case_no", "string[]"];
    public static readonly string[] ParameterTypes = ["int", "long", "decimal", "double", "string", "bool", "date", "datetime", "int[]", "decimal[]", "string[]", "date[]"];

    public static bool IsName(string? name) => name is not null && System.Text.RegularExpressions.Regex.IsMatch(name, @"^[A-Za-z_][A-Za-z0-9_.\-]*$");

    public static bool IsDivisionCode(string? code) =>
        code is null || (code.Length == 6 && code.All(char.IsAsciiDigit) && int.Parse(code.AsSpan(0, 2), System.Globalization.CultureInfo.InvariantCulture) is (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37) or (>= 41 and <= 46) or (>= 50 and <= 54) or (>= 61 and <= 65) or 71 or 81 or 82);

    public static string OneOf(string[] values) => "One of: " + string.Join(", ", values) + ".";
}

internal sealed class ModelHeaderValidator : AbstractValidator<ModelHeader>
{
    public ModelHeaderValidator()
    {
        RuleFor(m => m.Id).Must(Vocabulary.IsName).When(m => m.Id is not null)
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(m => $"Model id '{m.Id}' may use only letters, digits, '_', '.' and '-', and starts with a letter.")
            .WithState(m => new FailureState(m.Locate("id"), "For example: M02 or M02-drunk-driving."));
        RuleFor(m => m.Status).Must(s => s is null || Vocabulary.Statuses.Contains(s))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(m => $"Status '{m.Status}' is not a model status.")
            .WithState(m => new FailureState(m.Locate("status"), Vocabulary.OneOf(Vocabulary.Statuses)));
        RuleFor(m => m.Branch).Must(b => b is null || Vocabulary.Branches.Contains(b))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(m => $"Branch '{m.Branch}' is not a procuratorial branch.")
            .WithState(m => new FailureState(m.Locate("branch"), Vocabulary.OneOf(Vocabulary.Branches)));
        RuleFor(m => m.Region).Must(Vocabulary.IsDivisionCode)
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(m => $"Region '{m.Region}' is not a 6-digit division code.")
            .WithState(m => new FailureState(m.Locate("region"), "Write the code in quotes, such as \"330624\"."));
        RuleFor(m => m.Version).Must(v => v is null || v.Trim().Length > 0)
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage("The version is empty.")
            .WithState(m => new FailureState(m.Locate("version"), null));
    }
}

internal sealed class RuleHeaderValidator : AbstractValidator<RuleHeader>
{
    public RuleHeaderValidator()
    {
        RuleFor(r => r.Id).Must(Vocabulary.IsName)
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(r => $"Rule id '{r.Id}' may use only letters, digits, '_', '.' and '-'.")
            .WithState(r => new FailureState(r.Locate("id"), "For example: R1."));
    }
}

internal sealed class ClueHeaderValidator : AbstractValidator<ClueHeader>
{
    public ClueHeaderValidator()
    {
        RuleFor(c => c.Severity).Must(s => s is null || Vocabulary.Severities.Contains(s))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(c => $"Severity '{c.Severity}' is not a severity.")
            .WithState(c => new FailureState(c.Locate("severity"), Vocabulary.OneOf(Vocabulary.Severities)));
    }
}

internal sealed class ParameterHeaderValidator : AbstractValidator<ParameterHeader>
{
    public ParameterHeaderValidator()
    {
        RuleFor(p => p.Name).Must(n => System.Text.RegularExpressions.Regex.IsMatch(n, "^[A-Za-z_][A-Za-z0-9_]*$"))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(p => $"Parameter name '{p.Name}' may use only letters, digits and '_'.")
            .WithState(p => new FailureState(p.Locate("name"), null));
        RuleFor(p => p.Type).Must(t => t is not null && Vocabulary.ParameterTypes.Contains(t))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(p => p.Type is null ? $"Parameter '{p.Name}' has no type." : $"'{p.Type}' is not a parameter type.")
            .WithState(p => new FailureState(p.Locate("type"), Vocabulary.OneOf(Vocabulary.ParameterTypes)));
        RuleFor(p => p.Justification).Must(j => !string.IsNullOrWhiteSpace(j))
            .WithErrorCode(ModelDiagnosticIds.MissingKey).WithMessage(p => $"Parameter '{p.Name}' has no justification.")
            .WithState(p => new FailureState(p.Locate("justification"), "Say why the value is what it is: the provision, the local standard or the office's experience."));
    }
}

internal sealed class DatasetHeaderValidator : AbstractValidator<DatasetHeader>
{
    public DatasetHeaderValidator()
    {
        RuleFor(d => d.Name).Must(Vocabulary.IsName).When(d => d.Name is not null)
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(d => $"Dataset name '{d.Name}' may use only letters, digits, '_', '.' and '-'.")
            .WithState(d => new FailureState(d.Locate("dataset"), null));
        RuleFor(d => d.Format).Must(f => f is null || Vocabulary.Formats.Contains(f))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(d => $"Format '{d.Format}' is not a data format.")
            .WithState(d => new FailureState(d.Locate("format"), d.Format is "parquet" or "arrow" or "feather" or "ipc"
                ? "A Parquet or Arrow file needs no format: a data file ending in .parquet, .arrow, .arrows or .feather is read as one whatever 'format' says. Remove 'format'."
                : Vocabulary.OneOf(Vocabulary.Formats)));
        RuleFor(d => d.Encoding).Must(e => e is null || Vocabulary.Encodings.Contains(e.ToLowerInvariant()))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(d => $"Encoding '{d.Encoding}' is not supported.")
            .WithState(d => new FailureState(d.Locate("encoding"), Vocabulary.OneOf(Vocabulary.Encodings)));
        RuleFor(d => d.Separator).Must(s => s is null || s.Length == 1)
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(d => $"Separator '{d.Separator}' is not a single character.")
            .WithState(d => new FailureState(d.Locate("separator"), "Write one character in quotes, such as ',' or '|'."));
        RuleFor(d => d.Separator).Null().When(d => d.Format is "jsonl" or "xlsx")
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(d => $"'separator' applies to CSV files; a{(d.Format == "xlsx" ? "n Excel" : " JSON Lines")} dataset has no field separator.")
            .WithState(d => new FailureState(d.Locate("separator"), "Remove 'separator', or set 'format: csv' if the files are CSV."));
        RuleFor(d => d.Encoding).Null().When(d => d.Format == "xlsx")
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(_ => "'encoding' applies to text files; an .xlsx workbook says its own.")
            .WithState(d => new FailureState(d.Locate("encoding"), "Remove 'encoding'."));
        RuleFor(d => d.Sheet).Null().When(d => d.Format != "xlsx")
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(_ => "'sheet' applies to Excel workbooks.")
            .WithState(d => new FailureState(d.Locate("sheet"), "Set 'format: xlsx', or remove 'sheet'."));
        RuleFor(d => d.HeaderRow).Must(r => r is null || (int.TryParse(r, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int row) && row >= 1))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(d => $"'header_row' is '{d.HeaderRow}', not a row number.")
            .WithState(d => new FailureState(d.Locate("header_row"), "The 1-based row of the sheet that holds the column names, such as 3."));
        RuleFor(d => d.HeaderRow).Null().When(d => d.Format != "xlsx")
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(_ => "'header_row' applies to Excel workbooks; CSV and JSON Lines files start with their header.")
            .WithState(d => new FailureState(d.Locate("header_row"), "Set 'format: xlsx', or remove 'header_row'."));
    }
}

internal sealed class FieldHeaderValidator : AbstractValidator<FieldHeader>
{
    public FieldHeaderValidator()
    {
        RuleFor(f => f.Name).Must(n => n is not null && System.Text.RegularExpressions.Regex.IsMatch(n, @"^[\p{L}_][\p{L}\p{N}_.]*$"))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(f => $"Field name '{f.Name}' may use only letters, digits, '_' and '.'.")
            .WithState(f => new FailureState(f.Locate("name"), null));
        RuleFor(f => f.Type).Must(t => t is not null && Vocabulary.FieldTypes.Contains(t))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(f => f.Type is null ? $"Field '{f.Name}' has no type." : $"'{f.Type}' is not a field type.")
            .WithState(f => new FailureState(f.Locate("type"), Vocabulary.OneOf(Vocabulary.FieldTypes)));
        RuleFor(f => f.Personal).Must(p => p is null || Vocabulary.PersonalKinds.Contains(p))
            .WithErrorCode(ModelDiagnosticIds.InvalidValue).WithMessage(f => $"'{f.Personal}' is not a kind of personal data.")
            .WithState(f => new FailureState(f.Locate("personal"), Vocabulary.OneOf(Vocabulary.PersonalKinds)));
    }
}

internal static class ValidationExtensions
{
    /// <summary>Runs a validator and turns its failures into diagnostics with their codes, locations and hints.</summary>
    public static void Check<T>(this AbstractValidator<T> validator, T instance, DiagnosticList diagnostics)
    {
        foreach (FluentValidation.Results.ValidationFailure failure in validator.Validate(instance).Errors)
        {
            var state = failure.CustomState as FailureState;
            diagnostics.Add(new Diagnostic(failure.ErrorCode, DiagnosticSeverity.Error, failure.ErrorMessage, state?.Location ?? SourceLocation.None, state?.Hint));
        }
    }
}
