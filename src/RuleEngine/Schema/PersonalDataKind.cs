namespace RuleEngine.Schema;

/// <summary>What kind of personal data a field holds, which decides how it is masked on output.</summary>
public enum PersonalDataKind
{
    /// <summary>Not personal data; shown as it is.</summary>
    None,

    /// <summary>A citizen ID number: masked as <c>110105********1234</c>.</summary>
    IdNumber,

    /// <summary>A person's name: masked as <c>张*丰</c>.</summary>
    Name,

    /// <summary>A phone number: masked as <c>138****8000</c>.</summary>
    Phone,

    /// <summary>Any other personal data: masked entirely.</summary>
    Other,
}
