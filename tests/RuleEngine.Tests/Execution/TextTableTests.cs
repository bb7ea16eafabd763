using System.Globalization;
using RuleEngine.Execution.Dispatch;

namespace RuleEngine.Tests.Execution;

public class TextTableTests
{
    public static TheoryData<string[]> KeySets() => new()
    {
        // Names alike but for their last characters, as courts and procuratorates are.
        { [.. Enumerable.Range(0, 40).Select(i => "检察院" + i.ToString("00", CultureInfo.InvariantCulture))] },
        // Names alike but in the middle: no choice of two positions tells them apart, so the whole text is hashed.
        { [.. Enumerable.Range(0, 30).Select(i => "前缀前缀前" + (char)('甲' + i) + "后缀后缀后")] },
        // Lengths of 0 to 3, surrogate pairs, one text a prefix of another.
        { ["", "a", "ab", "abc", "b", "\U00020000", "\U00020000x", "x\U00020000", "民间借贷纠纷", "民间借贷"] },
        // Many names on one table.
        { [.. Enumerable.Range(0, 600).Select(i => "值" + i.ToString(CultureInfo.InvariantCulture))] },
    };

    [Theory]
    [MemberData(nameof(KeySets))]
    public void EveryKeyIsFoundAtItsOwnPosition_AndNoOtherTextIsFound(string[] keys)
    {
        var table = new TextTable(keys);

        Assert.Equal(keys.Length, table.Count);
        for (int position = 0; position < keys.Length; position++)
        {
            // A copy, so that equality is by content and not by reference.
            Assert.Equal(position, table.IndexOf(new string(keys[position].AsSpan())));
        }

        string[] others = [.. keys.Select(k => k + "x"), .. keys.Where(k => k.Length > 1).Select(k => k[..^1] + "?"), .. keys.Select(k => "?" + k), "zzz"];
        foreach (string other in others.Where(o => !keys.Contains(o, StringComparer.Ordinal)))
        {
            Assert.Equal(-1, table.IndexOf(other));
        }
    }

    [Fact]
    public void NamesThatDifferOnlyInTheMiddle_AreHashedWhole()
    {
        string[] keys = [.. Enumerable.Range(0, 30).Select(i => "前缀前缀前" + (char)('甲' + i) + "后缀后缀后")];
        var spread = new TextTable(keys);
        var ends = new TextTable([.. keys.Select((k, i) => k + i.ToString(CultureInfo.InvariantCulture))]);

        Assert.True(spread.HashesWholeText);
        Assert.False(ends.HashesWholeText);
    }

    [Fact]
    public void AnEmptyTableFindsNothing()
    {
        var table = new TextTable([]);

        Assert.Equal(-1, table.IndexOf("anything"));
        Assert.Equal(-1, table.IndexOf(string.Empty));
    }
}
