using RuleEngine.ChineseData;

namespace RuleEngine.Scripting.Api;

/// <summary>Court case numbers (案号) for scripts, such as <c>（2018）鄂0112刑初298号</c>.</summary>
public static class CaseNo
{
    /// <summary>Reads the receiving year of a case number.</summary>
    /// <param name="caseNo">The case number.</param>
    /// <returns>The year, or <see langword="null"/> when the text is not a case number.</returns>
    public static int? Year(string? caseNo) => CaseNumber.TryParse(caseNo, out int year, out _, out _, out _) ? year : null;

    /// <summary>Reads the court part of a case number (<c>鄂0112</c>).</summary>
    /// <param name="caseNo">The case number.</param>
    /// <returns>The court code, or <see langword="null"/> when the text is not a case number.</returns>
    public static string? Court(string? caseNo) => CaseNumber.TryParse(caseNo, out _, out string court, out _, out _) ? court : null;

    /// <summary>Reads the case-type code of a case number (<c>刑初</c>, <c>民终</c>, <c>执</c>).</summary>
    /// <param name="caseNo">The case number.</param>
    /// <returns>The case-type code, or <see langword="null"/> when the text is not a case number.</returns>
    public static string? Kind(string? caseNo) => CaseNumber.TryParse(caseNo, out _, out _, out string kind, out _) ? kind : null;

    /// <summary>Reads the sequence number of a case number.</summary>
    /// <param name="caseNo">The case number.</param>
    /// <returns>The sequence number, or <see langword="null"/> when the text is not a case number.</returns>
    public static long? Sequence(string? caseNo) => CaseNumber.TryParse(caseNo, out _, out _, out _, out long sequence) ? sequence : null;
}
