using RuleEngine.Clues;
using RuleEngine.Tests.Support;

namespace RuleEngine.Tests.Execution;

/// <summary>R16: a business key twice in the input gives two clues with one fingerprint, and the summary counts the repeat.</summary>
public sealed class RepeatedClueTests
{
    [Fact]
    public async Task The_same_subject_twice_is_two_clues_with_one_fingerprint_and_one_counted_repeat()
    {
        (List<Clue> clues, RunSummary summary) = await TestRules.RunAsync(
            TestRules.Build(TestRules.Rule("amount > 1")),
            TestRules.Csv("case_no,cause,plaintiff_id,plaintiff_name,phone,amount,bac,months,default_judgment,filing_date,defendants\nA1,,11010519491231002X,,,5,,,,,\nA2,,370101190102039973,,,5,,,,,\nA3,,11010519491231002X,,,5,,,,,\n"));

        Assert.Equal(3, clues.Count);
        Assert.Equal(clues[0].Fingerprint, clues[2].Fingerprint);
        Assert.Equal(1, summary.RepeatedClues);
    }
}

/// <summary>The set the emitter counts repeated clues with: exact across its growth, and the zero fingerprint too.</summary>
public sealed class FingerprintSetTests
{
    [Fact]
    public void Every_fingerprint_added_again_is_found_after_the_table_grew()
    {
        var set = new RuleEngine.Execution.FingerprintSet();
        var random = new Random(7);
        var added = new List<UInt128>();
        Span<byte> bytes = stackalloc byte[16];
        for (int i = 0; i < 10_000; i++)
        {
            random.NextBytes(bytes);
            UInt128 fingerprint = System.Runtime.InteropServices.MemoryMarshal.Read<UInt128>(bytes);
            Assert.True(set.Add(fingerprint));
            added.Add(fingerprint);
        }

        Assert.All(added, fingerprint => Assert.False(set.Add(fingerprint)));
        Assert.Equal(10_000, set.Count);
    }

    [Fact]
    public void Fingerprints_that_share_their_low_bits_are_told_apart()
    {
        var set = new RuleEngine.Execution.FingerprintSet();
        for (ulong upper = 1; upper <= 3_000; upper++)
        {
            // One slot for all of them: every one probes past the others.
            Assert.True(set.Add(new UInt128(upper, 42)));
        }

        Assert.False(set.Add(new UInt128(1_500, 42)));
        Assert.True(set.Add(new UInt128(3_001, 42)));
        Assert.Equal(3_001, set.Count);
    }

    [Fact]
    public void The_zero_fingerprint_is_a_fingerprint_like_any_other()
    {
        var set = new RuleEngine.Execution.FingerprintSet();
        Assert.True(set.Add(UInt128.Zero));
        Assert.False(set.Add(UInt128.Zero));
        Assert.True(set.Add(UInt128.One));
        Assert.Equal(2, set.Count);
    }
}
