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

    /// <summary>
    /// Free text that may mention people (a judgment's facts, a note): shown, with the ID numbers and mobile numbers
    /// inside it masked (<see cref="ChineseData.PersonalDataMasker.MaskText"/>).
    /// </summary>
    Text,
}

/// <summary>The names of <see cref="PersonalDataKind"/> in model files and clue files: <c>id_number</c>, <c>name</c>, <c>phone</c>, <c>other</c>, <c>text</c>.</summary>
public static class PersonalKinds
{
    /// <summary>Gets the name of a kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name; <c>none</c> for <see cref="PersonalDataKind.None"/>.</returns>
    public static string Name(PersonalDataKind kind) => kind switch
    {
        PersonalDataKind.IdNumber => "id_number",
        PersonalDataKind.Name => "name",
        PersonalDataKind.Phone => "phone",
        PersonalDataKind.Other => "other",
        PersonalDataKind.Text => "text",
        _ => "none",
    };

    /// <summary>Reads the name of a kind.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The kind; <see cref="PersonalDataKind.None"/> for any other text.</returns>
    public static PersonalDataKind Parse(string? name) => name switch
    {
        "id_number" => PersonalDataKind.IdNumber,
        "name" => PersonalDataKind.Name,
        "phone" => PersonalDataKind.Phone,
        "other" => PersonalDataKind.Other,
        "text" => PersonalDataKind.Text,
        _ => PersonalDataKind.None,
    };
}
