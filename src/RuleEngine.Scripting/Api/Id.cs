using RuleEngine.ChineseData;

namespace RuleEngine.Scripting.Api;

/// <summary>Citizen ID numbers (公民身份号码) for scripts: validity, birth date, age, sex, division code.</summary>
public static class Id
{
    /// <summary>Checks an ID number: 18 characters (or a 15-digit legacy number), a real birth date, a correct check character.</summary>
    /// <param name="id">The ID number.</param>
    /// <returns>Whether it is valid; <see langword="false"/> for <see langword="null"/>.</returns>
    public static bool IsValid(string? id) => IdNumber.IsValid(id);

    /// <summary>Reads the birth date of a valid ID number.</summary>
    /// <param name="id">The ID number.</param>
    /// <returns>The birth date, or <see langword="null"/> when the number is not valid.</returns>
    public static DateOnly? BirthDate(string? id) => IdNumber.TryGetBirthDate(id, out DateOnly birth) ? birth : null;

    /// <summary>Computes the holder's age in whole years on a date (an age at the time of an offence).</summary>
    /// <param name="id">The ID number.</param>
    /// <param name="date">The date.</param>
    /// <returns>The age, or <see langword="null"/> when the number is not valid or the date unknown.</returns>
    public static int? AgeAt(string? id, DateOnly? date) => date is { } on ? IdNumber.GetAgeAt(id, on) : null;

    /// <summary>Reads the sex encoded in a valid ID number: <c>男</c> or <c>女</c>.</summary>
    /// <param name="id">The ID number.</param>
    /// <returns>The sex, or <see langword="null"/> when the number is not valid.</returns>
    public static string? Gender(string? id) => IdNumber.GetGender(id);

    /// <summary>Reads the 6-digit division code of a valid ID number (<c>110105</c>).</summary>
    /// <param name="id">The ID number.</param>
    /// <returns>The division code, or <see langword="null"/> when the number is not valid.</returns>
    public static string? Region(string? id) => IdNumber.GetRegion(id);
}
