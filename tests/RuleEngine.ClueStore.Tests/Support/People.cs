namespace RuleEngine.ClueStore.Tests.Support;

/// <summary>Valid 18-digit ID numbers for test records: a fixed birth date and region, a sequence, the check digit.</summary>
internal static class People
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    public static string Id(int n)
    {
        string body = "33010619800101" + (n % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        int sum = body.Select((c, i) => (c - '0') * Weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    /// <summary>CSV lines person_id,amount,penalty for people 1..count, each fined <paramref name="amount"/>.</summary>
    public static string Fined(int count, decimal amount = 3000m, int first = 1) =>
        string.Concat(Enumerable.Range(first, count).Select(i => $"{Id(i)},{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)},罚款\n"));
}
