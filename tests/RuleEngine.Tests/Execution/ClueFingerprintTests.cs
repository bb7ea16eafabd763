using System.Security.Cryptography;
using System.Text;
using RuleEngine.Execution;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>A clue's fingerprint follows its history in the clue store, so it must not change between versions or threads.</summary>
public sealed class ClueFingerprintTests
{
    private static string Expected(byte[] key, string ruleId, string subject) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(ruleId + "\n" + subject)).AsSpan(0, 16));

    [Fact]
    public async Task A_clue_fingerprint_is_the_HMAC_of_its_rule_and_unmasked_subject_under_the_run_key()
    {
        RuleSet rules = TestRules.Build(TestRules.Rule("amount > 0"));
        const string Csv = "case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\n"
            + "A1,c,11010519491231002X,张三,,100,,,,,\nA2,c,,李四,,200,,,,,\n";
        byte[] key = "office-secret"u8.ToArray();

        (List<RuleEngine.Clues.Clue> byDefault, _) = await TestRules.RunAsync(rules, TestRules.Csv(Csv));
        (List<RuleEngine.Clues.Clue> byKey, _) = await TestRules.RunAsync(rules, TestRules.Csv(Csv), new RunOptions { FingerprintKey = key });

        byte[] defaultKey = new RunOptions().FingerprintKey.ToArray();
        Assert.Equal([Expected(defaultKey, "R1", "11010519491231002X"), Expected(defaultKey, "R1", "line:3")], byDefault.Select(c => c.Fingerprint));
        Assert.Equal([Expected(key, "R1", "11010519491231002X"), Expected(key, "R1", "line:3")], byKey.Select(c => c.Fingerprint));
    }

    [Fact]
    public void Fingerprints_are_the_same_on_every_thread_whatever_key_came_before_and_however_long_the_subject()
    {
        byte[][] keys = ["first"u8.ToArray(), "second"u8.ToArray(), []];
        string[] subjects = ["11010519491231002X", "line:7", string.Empty, new string('借', 300) + "|" + new string('x', 2000)];
        var cases = Enumerable.Range(0, 400).Select(i => (Key: keys[i % keys.Length], Subject: subjects[(i / 3) % subjects.Length] + i)).ToArray();
        var found = new string[cases.Length];

        Parallel.For(0, cases.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => found[i] = ClueFingerprint.Of(cases[i].Key, "M1.R1", cases[i].Subject));

        Assert.Equal(cases.Select(c => Expected(c.Key, "M1.R1", c.Subject)), found);
    }
}
