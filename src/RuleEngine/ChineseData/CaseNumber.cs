using System.Globalization;
using System.Text.RegularExpressions;

namespace RuleEngine.ChineseData;

/// <summary>
/// Court case numbers (案号): bracket normalisation and the parts of a number, for post-2016 numbers such as
/// <c>（2018）鄂0112刑初298号</c> and, leniently, older ones such as <c>（2013）饶中民一终字第573号</c>.
/// </summary>
public static partial class CaseNumber
{
    /// <summary>Normalises a case number: brackets <c>() 〔〕 [] 【】</c> become full-width <c>（）</c>, spaces go.</summary>
    /// <param name="value">The raw text.</param>
    /// <returns>The normalised case number.</returns>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<char> buffer = value.Length <= 128 ? stackalloc char[value.Length] : new char[value.Length];
        int length = 0;
        foreach (char c in value)
        {
            char mapped = c switch
            {
                '(' or '〔' or '[' or '【' or '［' => '（',
                ')' or '〕' or ']' or '】' or '］' => '）',
                >= '０' and <= '９' => (char)('0' + (c - '０')),
                _ => c,
            };
            if (!char.IsWhiteSpace(mapped))
            {
                buffer[length++] = mapped;
            }
        }

        return buffer[..length].ToString();
    }

    /// <summary>Reads the parts of a case number.</summary>
    /// <param name="value">The case number.</param>
    /// <param name="year">The receiving year.</param>
    /// <param name="court">The court code (<c>鄂0112</c>, <c>最高法</c>), or the free-text court part of an older number.</param>
    /// <param name="caseType">The case-type code (<c>刑初</c>, <c>民终</c>, <c>执</c>).</param>
    /// <param name="sequence">The sequence number.</param>
    /// <returns>Whether the text is a case number.</returns>
    public static bool TryParse(string? value, out int year, out string court, out string caseType, out long sequence)
    {
        year = 0;
        court = caseType = string.Empty;
        sequence = 0;
        if (value is null)
        {
            return false;
        }

        string text = Normalize(value);
        Match match = Modern().Match(text);
        if (!match.Success)
        {
            match = Legacy().Match(text);
            if (!match.Success)
            {
                return false;
            }
        }

        year = int.Parse(match.Groups["year"].ValueSpan, CultureInfo.InvariantCulture);
        court = match.Groups["court"].Value;
        caseType = match.Groups["type"].Value;
        return long.TryParse(match.Groups["seq"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    [GeneratedRegex(@"^（(?<year>\d{4})）(?<court>最高法|[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔云藏陕甘青宁新兵军](?:\d{4}|\d{2})?)知?(?<type>[\u4e00-\u9fa5]{1,3}?)(?<seq>\d+)号$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Modern();

    [GeneratedRegex(@"^（(?<year>\d{4})）(?<court>[^\d（）]*?\d*[^\d（）]*?)(?<type>[民刑行执赔][\u4e00-\u9fa5]?[初终申再督特]?)字?第?(?<seq>\d+)号$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Legacy();
}
